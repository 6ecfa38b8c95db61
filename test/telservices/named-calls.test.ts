/**
 * Seed 003 alternateCall / conferenceCall / reconnectCall / transferCall: primOtherNumber and secOtherNumber name the
 * two calls (the other party of the primary and of the secondary call) and are honoured, not dropped (issue 7).
 */
import { describe, expect, it } from 'vitest';
import { error, req, useGateway } from './helpers.js';

const { startGateway, gw, send, ok } = useGateway();

/** 1101 holds a call with 1102 and one with 1104, and talks with 1103. */
async function threeCalls(): Promise<void> {
  for (const d of ['1101', '1102', '1103', '1104']) await ok(req('openSession', { deviceNumber: d }));
  await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
  await ok(req('answerCall', { deviceNumber: '1102' }));
  await ok(req('consultationCall', { deviceNumber: '1101', consultedDeviceNumber: '1104' }));
  await ok(req('answerCall', { deviceNumber: '1104' }));
  await ok(req('holdCall', { deviceNumber: '1101' }));
  await ok(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1103' }));
  await ok(req('answerCall', { deviceNumber: '1103' }));
}

const partners = (device: string): string[] => {
  const t = gw().gw.center.telephony;
  return t
    .callsOf(device)
    .map((c) => `${t.partyOf(c, device)?.state}:${t.activeParties(c).filter((p) => p.number !== device).map((p) => p.number).join('+')}`)
    .sort();
};

describe('two-call services name their calls', () => {
  it('transferCall transfers the held call named to the active one named', async () => {
    await startGateway();
    await threeCalls();
    expect(partners('1101')).toEqual(['connected:1103', 'hold:1102', 'hold:1104']);
    // Left to itself the device would transfer its first held call (1102); the request names 1104's.
    await ok(req('transferCall', { deviceNumber: '1101', primOtherNumber: '1104', secOtherNumber: '1103' }));
    expect(partners('1101')).toEqual(['hold:1102']);
    expect(partners('1104')).toEqual(['connected:1103']);
  });

  it('alternateCall and reconnectCall take the held call named, whichever number names it', async () => {
    await startGateway();
    await threeCalls();
    await ok(req('alternateCall', { deviceNumber: '1101', secOtherNumber: '1104' }));
    expect(partners('1101')).toEqual(['connected:1104', 'hold:1102', 'hold:1103']);
    await ok(req('reconnectCall', { deviceNumber: '1101', primOtherNumber: '1102' }));
    expect(partners('1101')).toEqual(['connected:1102', 'hold:1103']);
  });

  it('answers noCall for a number that is no other party of the device, changing nothing', async () => {
    await startGateway();
    await threeCalls();
    expect(await send(req('conferenceCall', { deviceNumber: '1101', primOtherNumber: '+35840999999' }))).toBe(error('noCall'));
    expect(partners('1101')).toEqual(['connected:1103', 'hold:1102', 'hold:1104']);
  });
});
