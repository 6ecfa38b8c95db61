import { describe, expect, it } from 'vitest';
import { buildRtpPacket, parseRtpHeader } from '../../src/media/rtp-packet.js';

describe('RTP fixed header (RFC 3550 §5.1)', () => {
  const payload = Buffer.alloc(160, 0xff);

  it('round-trips every field', () => {
    const h = { payloadType: 0, sequence: 4711, timestamp: 0xdeadbeef, ssrc: 0x89abcdef, marker: false };
    const pkt = buildRtpPacket(h, payload);
    expect(pkt.length).toBe(172);
    expect(pkt[0]).toBe(0x80); // V=2, P=0, X=0, CC=0
    expect(parseRtpHeader(pkt)).toEqual({
      version: 2,
      padding: false,
      extension: false,
      csrcCount: 0,
      marker: false,
      payloadType: 0,
      sequence: 4711,
      timestamp: 0xdeadbeef,
      ssrc: 0x89abcdef,
      payload,
    });
  });

  it('sets the marker bit as the top bit of octet 1', () => {
    const pkt = buildRtpPacket({ payloadType: 0, sequence: 1, timestamp: 1, ssrc: 1, marker: true }, payload);
    expect(pkt[1]).toBe(0x80);
    expect(parseRtpHeader(pkt)?.marker).toBe(true);
    const dyn = buildRtpPacket({ payloadType: 96, sequence: 1, timestamp: 1, ssrc: 1, marker: true }, payload);
    expect(parseRtpHeader(dyn)).toMatchObject({ marker: true, payloadType: 96 });
  });

  it('wraps sequence at 16 bits and timestamp at 32 bits', () => {
    const h = { payloadType: 0, ssrc: 7, marker: false };
    expect(parseRtpHeader(buildRtpPacket({ ...h, sequence: 65536, timestamp: 2 ** 32 + 5 }, payload))).toMatchObject({
      sequence: 0,
      timestamp: 5,
    });
    expect(parseRtpHeader(buildRtpPacket({ ...h, sequence: 65535, timestamp: 0 }, payload))?.sequence).toBe(65535);
  });

  it('skips CSRCs and extension and strips padding', () => {
    const pkt = Buffer.concat([
      Buffer.from([0x80 | 0x20 | 0x10 | 0x01, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1]),
      Buffer.from([1, 2, 3, 4]), // one CSRC
      Buffer.from([0xbe, 0xde, 0, 1, 9, 9, 9, 9]), // extension header, one word
      Buffer.from([0xaa, 0xbb]), // payload
      Buffer.from([0, 0, 3]), // 3 octets of padding
    ]);
    const info = parseRtpHeader(pkt);
    expect(info).toMatchObject({ padding: true, extension: true, csrcCount: 1 });
    expect([...(info?.payload ?? [])]).toEqual([0xaa, 0xbb]);
  });

  it('rejects short, non-v2 and inconsistent packets', () => {
    expect(parseRtpHeader(Buffer.alloc(11))).toBeUndefined();
    expect(parseRtpHeader(Buffer.from([0x40, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined();
    expect(parseRtpHeader(Buffer.from([0x8f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]))).toBeUndefined(); // 15 CSRCs missing
    expect(parseRtpHeader(Buffer.from([0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9]))).toBeUndefined(); // pad > size
  });
});
