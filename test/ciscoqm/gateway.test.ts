/**
 * Cisco QM inside the gateway: one archive for every interface (a QMI recording and a QM-recorded call both found by
 * the Server API and listed by the control API), the archive and its metadata searchable after a restart, the UDP
 * ports in /health and a port in use as a start-up error, and the warning about qmadmin's default password.
 */
import { createSocket } from 'node:dgram';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { buildGateway, type Gateway } from '../../src/gateway.js';
import { post, Receiver, req } from '../qmi/helpers.js';
import { RECEIVE_BUFFER } from '../../src/interfaces/ciscoqm/udp.js';
import { QmCommands, QmServerClient } from './client.js';
import { startQm, World } from './gateway.js';

const open: { close(): Promise<void> | void }[] = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function gateway(ciscoqm = {}, dataDir?: string): Promise<Gateway> {
  const gw = await startQm(ciscoqm, dataDir);
  open.push(gw);
  return gw;
}

describe('one archive for every interface', () => {
  it('a QMI QMIBCMRecordingStart recording and a QM-recorded call both appear in search and in the control API', async () => {
    const gw = await gateway();
    const world = new World(gw.baseUrl);
    const tool = await new Receiver().start();
    open.push({ close: () => tool.stop() });
    expect((await post(gw, req.subscribe('cross', tool.url))).success).toBe('1');
    const callId = await world.answeredCall('1101', 'HARRI');
    expect((await post(gw, req.call('QMIBCMRecordingStart', 'cross', callId))).success).toBe('1');
    await tool.response('QMIBCMRecordingStart');
    await world.hangup(callId);
    const qm = new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin');
    const { ccrs } = await qm.searchAll('<agentId>HARRI</agentId>');
    expect(ccrs).toHaveLength(2);
    const listed = (await world.json('GET', `/api/v1/recordings?callId=${callId}`))['recordings'] as { id: number; source: string; reasons: string[] }[];
    expect(listed.map((r) => [r.source, r.reasons])).toEqual([
      ['ciscoqm', ['workflow']],
      ['qmi', ['requested']],
    ]);
    expect(ccrs.map((c) => Number(c.id))).toEqual(listed.map((r) => r.id));
  });
});

describe('restart', () => {
  it('finds the archive and its metadata again after the gateway restarts on the same data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ccgate-qm-restart-'));
    const first = await startQm({}, dataDir);
    const world = new World(first.baseUrl);
    const udp = new QmCommands(first.baseUrl);
    const callId = await world.answeredCall('2001', 'HARRI');
    await udp.send(first.ctx.ports.qmNetwork, 'command=metadata&sender_id=HARRI&custID=4242&orderDate=2026-01-05');
    await udp.send(first.ctx.ports.qmNetwork, 'command=tag&sender_id=HARRI');
    await udp.handled(2);
    udp.close();
    await world.hangup(callId);
    await first.close();

    const second = await gateway({}, dataDir);
    const qm = new QmServerClient(second.baseUrl, 'qmadmin', 'qmadmin');
    const { ccrs } = await qm.searchAll('<metadata><key>custID</key><data>4242</data></metadata><metadata><key>orderDate</key><data>2026-01-05</data></metadata>');
    expect(ccrs).toHaveLength(1);
    expect(ccrs[0]).toMatchObject({ agentId: 'HARRI', DNIS: '2001', hasAudio: 'true' });
    const rec = second.center.recordings.get(Number(ccrs[0]?.id));
    expect(rec.reasons).toEqual(['agentTagged', 'workflow']);
    const id = await qm.exportRecording(ccrs[0]!.id, 'WAV');
    expect(await qm.exported(id)).toMatchObject({ finished: 'true' });
  });
});

describe('ports and start-up', () => {
  it('reports both UDP ports in /health and takes commands on them', async () => {
    const gw = await gateway();
    const health = (await (await fetch(`${gw.baseUrl}/health`)).json()) as { listeners: Record<string, number> };
    expect(health.listeners['qmDesktop']).toBe(gw.ctx.ports.qmDesktop);
    expect(health.listeners['qmNetwork']).toBe(gw.ctx.ports.qmNetwork);
    expect(gw.ctx.ports.qmDesktop).toBeGreaterThan(0);
    const udp = new QmCommands(gw.baseUrl);
    open.push(udp);
    await udp.send(gw.ctx.ports.qmDesktop, 'command=tag');
    expect(await udp.handled(1)).toEqual({ applied: 0, ignored: 1, rejected: 0 });
  });

  it('asks the kernel for a receive buffer sized for bursts (4 MiB) and shows what it granted in the state', async () => {
    const gw = await gateway();
    // What the kernel grants for the same request (capped by net.core.rmem_max, doubled by Linux).
    const probe = createSocket({ type: 'udp4', recvBufferSize: RECEIVE_BUFFER });
    await new Promise<void>((resolve) => probe.bind(0, '127.0.0.1', resolve));
    const granted = probe.getRecvBufferSize();
    probe.close();
    const state = (await (await fetch(`${gw.baseUrl}/api/v1/state`)).json()) as { interfaces: { ciscoqm: { receiveBufferBytes: number } } };
    expect(RECEIVE_BUFFER).toBe(4 * 1024 * 1024);
    expect(state.interfaces.ciscoqm.receiveBufferBytes).toBe(granted);
  });

  it('a QM port already in use is a ConfigError naming its setting and variable', async () => {
    const held = createSocket('udp4');
    await new Promise<void>((r) => held.bind(0, '127.0.0.1', () => r()));
    open.push({ close: () => new Promise<void>((r) => held.close(() => r())) });
    const port = held.address().port;
    const gw = await buildGateway({
      env: {},
      config: { logLevel: 'silent', host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'ccgate-qm-')), http: { port: 0 }, telservices: { port: 0 }, ciscoqm: { desktopPort: 0, networkPort: port } },
    });
    open.push(gw);
    const err = await gw.listen().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe('ciscoqm.networkPort');
    expect((err as ConfigError).problem).toBe(`port ${port} on 127.0.0.1 is already in use; change ciscoqm.networkPort (CCGATE_QM_NETWORK_PORT), or use 0 for any free port`);
  });

  it('warns at start-up while qmadmin has the default password, and not once it is set', async () => {
    const warnings = async (env: Record<string, string>): Promise<string[]> => {
      const lines: string[] = [];
      const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
      const gw = await buildGateway({
        env,
        logger: pino({ level: 'warn' }, sink),
        config: { host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'ccgate-qm-')), http: { port: 0 }, telservices: { port: 0 }, ciscoqm: { desktopPort: 0, networkPort: 0 }, openmedia: { port: 0 } },
      });
      await gw.listen();
      await gw.close();
      return lines.map((l) => (JSON.parse(l) as { msg: string }).msg).filter((m) => m.includes('default password'));
    };
    expect(await warnings({})).toEqual(['Cisco QM: qmadmin has the default password; set CCGATE_QM_ADMIN_PASSWORD']);
    expect(await warnings({ CCGATE_QM_ADMIN_PASSWORD: 'S3cret!' })).toEqual([]);
  });

  it('uses CCGATE_QM_ADMIN_PASSWORD as qmadmin\'s password', async () => {
    const gw = await buildGateway({
      env: { CCGATE_QM_ADMIN_PASSWORD: 'S3cret!' },
      config: { logLevel: 'silent', host: '127.0.0.1', dataDir: mkdtempSync(join(tmpdir(), 'ccgate-qm-')), http: { port: 0 }, telservices: { port: 0 }, ciscoqm: { desktopPort: 0, networkPort: 0 }, openmedia: { port: 0 } },
    });
    open.push(gw);
    await gw.listen();
    expect((await new QmServerClient(gw.baseUrl, 'qmadmin', 'S3cret!', 'digest').search('')).ccrs).toEqual([]);
    expect((await new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin').call('<search xmlns="http://www.calabrio.com/qm/serverapi/schema"/>')).status).toBe(400);
  });
});
