/**
 * Issue 11 check, part 2, with the independent client (client.ts): export (WAV and WMA, an unsupported type), progress,
 * download once (a second download fails), WS-Security (no token, a wrong one, PasswordDigest, replay, staleness,
 * mustUnderstand), roles and scope (a supervisor sees only their team's contacts), and the SOAP action not being read.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { QM_NS, QmServerClient, type Ccr } from './client.js';
import { startQm, World } from './gateway.js';

let gw: Gateway;
let admin: QmServerClient;
let harri: Ccr;
let pekka: Ccr;

/** ASF header object GUID (75B22630-668E-11CF-A6D9-00AA0062CE6C): the container of WMA and WMV files. */
const ASF = Buffer.from('3026b2758e66cf11a6d900aa0062ce6c', 'hex');

async function recordedCall(world: World, to: string, agent: string): Promise<void> {
  await world.ready(agent);
  await world.hangup(await world.answeredCall(to, agent));
}

/** A contact whose audio file is written (the WAV is written when the call ends). */
async function withAudio(agentId: string): Promise<Ccr> {
  for (;;) {
    const [c] = (await admin.searchAll(`<agentId>${agentId}</agentId>`)).ccrs;
    if (c?.hasAudio === 'true') return c;
    await new Promise((r) => setImmediate(r));
  }
}

beforeAll(async () => {
  gw = await startQm();
  const world = new World(gw.baseUrl);
  admin = new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin');
  await recordedCall(world, '1101', 'HARRI');
  await recordedCall(world, '1103', 'PEKKA');
  harri = await withAudio('HARRI');
  pekka = await withAudio('PEKKA');
});

afterAll(async () => {
  await gw?.close();
});

describe('export and download', () => {
  it('exports WAV: progress finished, the file downloads once, a second download fails', async () => {
    const id = await admin.exportRecording(harri.id, 'WAV');
    expect(id).toMatch(/^[0-9]{24}$/);
    expect(await admin.exported(id)).toEqual({ id, finished: 'true' });
    const first = await admin.download(id);
    expect(first.status).toBe(200);
    expect(first.type).toBe('audio/wav');
    expect(first.bytes.subarray(0, 4).toString()).toBe('RIFF');
    expect(first.bytes.subarray(8, 12).toString()).toBe('WAVE');
    expect((await admin.download(id)).status).toBe(404);
    // After the single access the export is gone for progress too.
    expect((await admin.progress([id]))[0]).toMatchObject({ finished: 'false', error: expect.stringMatching(/no export/) });
  });

  it('exports WMA (ffmpeg) and WMV as the seed\'s examples ask, with ccrId or ccrid', async () => {
    const wma = await admin.exportRecording(harri.id, 'WMA', 'ccrId');
    const wmv = await admin.exportRecording(pekka.id, 'wmv');
    expect(await admin.exported(wma)).toMatchObject({ finished: 'true' });
    expect(await admin.exported(wmv)).toMatchObject({ finished: 'true' });
    const a = await admin.download(wma);
    expect(a.type).toBe('audio/x-ms-wma');
    expect(a.bytes.subarray(0, 16)).toEqual(ASF);
    const v = await admin.download(wmv);
    expect(v.type).toBe('video/x-ms-wmv');
    expect(v.bytes.subarray(0, 16)).toEqual(ASF);
  });

  it('reports an unsupported type, and an unknown id, through progress as an error (finished false)', async () => {
    const mp3 = await admin.exportRecording(harri.id, 'MP3');
    const progress = await admin.progress([mp3, '431765243']);
    expect(progress).toEqual([
      { id: mp3, finished: 'false', error: expect.stringMatching(/unsupported media type MP3/) },
      { id: '431765243', finished: 'false', error: expect.stringMatching(/no export/) },
    ]);
    expect((await admin.download(mp3)).status).toBe(404);
    expect((await admin.download('not-an-id')).status).toBe(400);
  });
});

describe('WS-Security UsernameToken', () => {
  const search = `<search xmlns="${QM_NS}"/>`;

  it('refuses a request without a token, or with a wrong one, with a Sender fault naming the WS-Security code', async () => {
    const none = await admin.call(search, { token: { kind: 'none' } });
    expect(none.status).toBe(400);
    expect(none.fault).toMatchObject({ code: 'soap:Sender', subcode: 'wsse:InvalidSecurity' });
    for (const token of [{ kind: 'text' as const, password: 'wrong' }, { kind: 'text' as const, user: 'nobody' }, { kind: 'digest' as const, password: 'wrong' }]) {
      const a = await admin.call(search, { token });
      expect(a.status).toBe(400);
      expect(a.fault).toMatchObject({ subcode: 'wsse:FailedAuthentication', reason: 'The security token could not be authenticated or authorized' });
    }
    const stale = await admin.call(search, { token: { kind: 'digest', created: '2008-02-11T00:00:00Z' } });
    expect(stale.fault?.subcode).toBe('wsse:MessageExpired');
  });

  it('accepts PasswordDigest with nonce and created, once per nonce', async () => {
    const digest = new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin', 'digest');
    expect((await digest.search('')).ccrs).toHaveLength(2);
    const token = { kind: 'digest' as const, nonce: 'bm9uY2Utb25jZS1vbmx5LTAx', created: new Date().toISOString() };
    expect((await digest.call(search, { token })).status).toBe(200);
    expect((await digest.call(search, { token })).fault?.subcode).toBe('wsse:FailedAuthentication');
  });

  it('understands wsse:Security marked mustUnderstand, refuses another header so marked, and has no header in answers', async () => {
    const ok = await admin.call(search);
    expect(ok.status).toBe(200);
    expect(ok.hasHeader).toBe(false);
    const other = await admin.call(search, { extraHeader: '<x:Trace xmlns:x="urn:example" soap:mustUnderstand="true">1</x:Trace>' });
    expect(other.status).toBe(500);
    expect(other.fault?.code).toBe('soap:MustUnderstand');
  });

  it('does not read the SOAP action: a SOAPAction header or a Content-Type action naming anything is ignored', async () => {
    const variants: Record<string, string>[] = [{ soapaction: '"urn:deleteRecording"' }, { 'content-type': 'application/soap+xml; charset=utf-8; action="urn:whatever"' }];
    for (const headers of variants) {
      const a = await admin.call(search, { headers });
      expect(a.status, JSON.stringify(headers)).toBe(200);
      expect(a.body?.['name']).toBe('searchResponse');
    }
  });
});

describe('roles and scope', () => {
  it('a supervisor sees only their team\'s contacts; a manager sees their teams\'; the archive user everything', async () => {
    const supervisor = new QmServerClient(gw.baseUrl, 'qmsupervisor', 'qmsupervisor');
    expect((await supervisor.searchAll('')).ccrs.map((c) => c.agentId)).toEqual(['PEKKA']);
    expect((await supervisor.searchAll('<agentId>HARRI</agentId>')).ccrs).toEqual([]);
    const outside = await supervisor.call(`<exportRecording xmlns="${QM_NS}"><ccrId>${harri.id}</ccrId><mediatype>WAV</mediatype></exportRecording>`);
    expect(outside.status).toBe(400);
    expect(outside.fault?.reason).toBe(`no contact with id ${harri.id}`);
    expect((await supervisor.call(`<deleteRecording xmlns="${QM_NS}"><ccrId>${harri.id}</ccrId></deleteRecording>`)).status).toBe(400);
    const manager = new QmServerClient(gw.baseUrl, 'qmmanager', 'qmmanager', 'digest');
    expect((await manager.searchAll('')).ccrs.map((c) => c.agentId)).toEqual(['HARRI', 'PEKKA']);
    expect((await admin.searchAll('')).ccrs.map((c) => c.agentId)).toEqual(['HARRI', 'PEKKA']);
  });
});
