/**
 * Issue 11 check: python zeep (Debian python3-zeep, which .ci/run installs), generated from `?wsdl` with the SOAP 1.2
 * binding and a WS-Security UsernameToken with PasswordDigest, calls every Server API operation (test/ciscoqm/zeep/
 * client.py); this side checks what zeep read from each answer. Skipped only where python3-zeep is not installed.
 */
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { startQm, World } from './gateway.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./zeep/client.py', import.meta.url));
const hasZeep = ((): boolean => {
  try {
    execFileSync(PYTHON, ['-c', 'import zeep'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

let gw: Gateway;

beforeAll(async () => {
  gw = await startQm();
  const world = new World(gw.baseUrl);
  await world.ready('HARRI');
  await world.hangup(await world.answeredCall('1101', 'HARRI'));
  // The WAV is written when the call ends: wait until the archive says so.
  while (!(await world.json('GET', '/api/v1/recordings?userId=HARRI'))['recordings']?.[0]?.audio) await new Promise((r) => setImmediate(r));
});

afterAll(async () => {
  await gw?.close();
});

describe.skipIf(!hasZeep)('python zeep from ?wsdl (SOAP 1.2, UsernameToken PasswordDigest)', () => {
  it('calls search, exportRecording, exportProgress, editMetadata and deleteRecording and reads every answer', async () => {
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(PYTHON, [SCRIPT, gw.baseUrl, 'qmadmin', 'qmadmin', 'HARRI'], { timeout: 60_000 }, (err, out, errOut) =>
        err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out),
      ),
    );
    const out = JSON.parse(stdout) as Record<string, any>;
    expect(out['soapVersion']).toBe('Soap12Binding');
    expect(out['search']).toEqual([{ id: expect.any(Number), agentId: 'HARRI', hasAudio: true }]);
    expect(out['exportId']).toMatch(/^[0-9]{24}$/);
    expect(out['progress']).toEqual({ id: out['exportId'], finished: true, error: null });
    expect(out['download']).toEqual({ status: 200, riff: 'RIFF' });
    expect(out['editMetadata']).toEqual({ custID: 'success', nope: 'fieldDoesNotExist', orderDate: 'badFormat' });
    expect(out['searchByMetadata']).toEqual([out['search'][0].id]);
    expect(out['deleteRecording']).toEqual([true, false]);
  });
});
