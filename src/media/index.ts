export { SAMPLE_RATE, mix, partyVoice, shift, silence, type AudioSource } from './audio.js';
export { MediaLimitError } from './errors.js';
export { decodeMulaw, encodeMulaw, linearToMulaw, mulawToLinear } from './g711.js';
export {
  RTP_HEADER_BYTES,
  RtpSender,
  RtpStream,
  buildRtpPacket,
  parseRtpHeader,
  type RtpHeaderFields,
  type RtpPacketInfo,
  type RtpSenderOptions,
  type RtpStreamOptions,
  type RtpStreamState,
  type RtpStreamStats,
  type RtpTarget,
} from './rtp.js';
export { MediaService, type MediaServiceOptions } from './service.js';
export {
  readWavInfo,
  writeWav,
  type RecordingSegment,
  type WavFormat,
  type WavInfo,
  type WavWriteOptions,
  type WavWriteResult,
} from './wav.js';
