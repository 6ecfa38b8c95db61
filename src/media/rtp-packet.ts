/**
 * RTP fixed header framing (RFC 3550 §5.1). Pure functions: the stream and the tests share them.
 */

export const RTP_VERSION = 2;
export const RTP_HEADER_BYTES = 12;

export interface RtpHeaderFields {
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  marker: boolean;
}

export interface RtpPacketInfo extends RtpHeaderFields {
  version: number;
  padding: boolean;
  extension: boolean;
  csrcCount: number;
  payload: Buffer;
}

/** A 12-byte header with V=2, P=0, X=0, CC=0 followed by `payload`; numbers are reduced to their field widths. */
export function buildRtpPacket(h: RtpHeaderFields, payload: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(RTP_HEADER_BYTES + payload.length);
  buf[0] = RTP_VERSION << 6;
  buf[1] = (h.marker ? 0x80 : 0) | (h.payloadType & 0x7f);
  buf.writeUInt16BE(h.sequence & 0xffff, 2);
  buf.writeUInt32BE(h.timestamp >>> 0, 4);
  buf.writeUInt32BE(h.ssrc >>> 0, 8);
  payload.copy(buf, RTP_HEADER_BYTES);
  return buf;
}

/**
 * Parses the fixed header, skips CSRCs and the header extension (§5.3.1) and strips padding (§5.1, P bit: the last
 * octet counts the padding octets). Returns undefined for anything that is not a well-formed RTP version 2 packet.
 */
export function parseRtpHeader(buf: Buffer): RtpPacketInfo | undefined {
  if (buf.length < RTP_HEADER_BYTES) return undefined;
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  const version = b0 >> 6;
  if (version !== RTP_VERSION) return undefined;
  const padding = (b0 & 0x20) !== 0;
  const extension = (b0 & 0x10) !== 0;
  const csrcCount = b0 & 0x0f;
  let offset = RTP_HEADER_BYTES + 4 * csrcCount;
  if (extension) {
    if (buf.length < offset + 4) return undefined;
    offset += 4 + 4 * buf.readUInt16BE(offset + 2);
  }
  let end = buf.length;
  if (padding) {
    const pad = buf[buf.length - 1] ?? 0;
    if (pad === 0) return undefined;
    end -= pad;
  }
  if (offset > end) return undefined;
  return {
    version,
    padding,
    extension,
    csrcCount,
    marker: (b1 & 0x80) !== 0,
    payloadType: b1 & 0x7f,
    sequence: buf.readUInt16BE(2),
    timestamp: buf.readUInt32BE(4),
    ssrc: buf.readUInt32BE(8),
    payload: buf.subarray(offset, end),
  };
}
