/**
 * Seed "Session", "OpenSession", "CloseSession" and the session event: which services need a session, several
 * clients per session, timeouts reset by each action, delayed and client-only close, the license limit, the
 * administrator-authentication settings, restricted event updates, and the session events.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadFixture } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';
import { error, req, settle, STANDARD, useGateway } from './helpers.js';

const { startGateway, gw, send, listener } = useGateway();
const open = (device: string, extra: Record<string, string> = {}) => send(req('openSession', { deviceNumber: device, ...extra }));
const snapshotOf = (device: string) => send(req('snapshot', { deviceNumber: device }));
const sessionEvent = (device: string, kind: string) => `<TelServiceEvent><deviceNumber>${device}</deviceNumber><event><session><${kind}/></session></event></TelServiceEvent>`;

/** A valid request for every service of the seed. */
const EVERY_SERVICE: Record<string, Record<string, string>> = {
  addPartyToCall: { deviceNumber: '1101', addedDeviceNumber: '1103' },
  agentState: { deviceNumber: '1101', state: '<ready/>' },
  alternateCall: { deviceNumber: '1101' },
  answerCall: { deviceNumber: '1101' },
  conferenceCall: { deviceNumber: '1101' },
  consultationCall: { deviceNumber: '1101', consultedDeviceNumber: '1103' },
  divertCall: { deviceNumber: '1101', divertedDeviceNumber: '1103' },
  doNotDisturb: { deviceNumber: '1101', state: '<off/>' },
  dropCall: { deviceNumber: '1101' },
  forward: { deviceNumber: '1101', info: '<number>1102</number><type><busy/></type><state><off/></state>' },
  holdCall: { deviceNumber: '1101' },
  makeCall: { deviceNumber: '1103', calledDeviceNumber: '1104' },
  qualifyCall: { deviceNumber: '1101' },
  queryAgentState: { deviceNumber: '1101' },
  queryDoNotDisturb: { deviceNumber: '1101' },
  queryForward: { deviceNumber: '1101' },
  queryHistory: {},
  queryMsgWaiting: { deviceNumber: '1101' },
  queryUserStatistics: { deviceNumber: '1101', type: '<snapshot/>' },
  reconnectCall: { deviceNumber: '1101' },
  retrieveCall: { deviceNumber: '1101' },
  searchName: { name: 'Ma' },
  searchNumber: { number: '1101' },
  snapshot: { deviceNumber: '1101' },
  transferCall: { deviceNumber: '1101' },
  updateUserDirectory: { userID: 'HARRI', directoryName: 'outlook', parties: '' },
  queryRoutingPointState: { service: 'service1' },
  queryRoutingPointStatistics: { service: 'service1', type: '<total/>' },
  resumeRoutingPoint: { service: 'service1' },
  startRoutingPoint: { service: 'service1' },
  stopRoutingPoint: { service: 'nothing' },
  suspendRoutingPoint: { service: 'nothing' },
  updateRoutingPoint: { service: 'service1' },
  updateDirectory: { directoryName: 'ldap' },
  closeSession: { deviceNumber: '1101' },
};

describe('which services need a session', () => {
  it('answers noOpenSession for exactly the fifteen the seed marks "requires an opened session"', async () => {
    await startGateway();
    const needing: string[] = [];
    for (const [op, fields] of Object.entries(EVERY_SERVICE)) {
      const reply = await send(req(op, fields));
      expect(reply, op).toMatch(/^<TelServiceReturn>/);
      if (reply === error('noOpenSession')) needing.push(op);
    }
    expect(needing.sort()).toEqual(
      ['addPartyToCall', 'agentState', 'alternateCall', 'answerCall', 'conferenceCall', 'consultationCall', 'divertCall', 'dropCall', 'holdCall', 'qualifyCall', 'queryAgentState', 'reconnectCall', 'retrieveCall', 'snapshot', 'transferCall'].sort(),
    );
    // With a session the same requests reach the PBX: noCall where there is no call, never noOpenSession.
    expect(await open('1101')).toBe(STANDARD);
    expect(await send(req('holdCall', { deviceNumber: '1101' }))).toBe(error('noCall'));
    expect(await send(req('queryAgentState', { deviceNumber: '1101' }))).toContain('<agent>');
  });
});

describe('clients of a session', () => {
  it('sends every event to every client; closing one client keeps the others', async () => {
    await startGateway();
    const a = await listener();
    const b = await listener();
    expect(await open('1101', { eventUDPPort: String(a.port) })).toBe(STANDARD);
    expect(await open('1101', { eventUDPPort: String(b.port) })).toBe(STANDARD);
    expect(await send(req('doNotDisturb', { deviceNumber: '1101', state: '<on/>' }))).toBe(STANDARD);
    await a.waitFor(1, (m) => m.includes('doNotDisturb'));
    await b.waitFor(1, (m) => m.includes('doNotDisturb'));
    // clientOnly is the default; the client is told apart by its event port.
    expect(await send(req('closeSession', { deviceNumber: '1101', eventUDPPort: String(a.port) }))).toBe(STANDARD);
    expect(await send(req('doNotDisturb', { deviceNumber: '1101', state: '<off/>' }))).toBe(STANDARD);
    await b.waitFor(2, (m) => m.includes('doNotDisturb'));
    await settle();
    expect(a.messages.filter((m) => m.includes('doNotDisturb'))).toHaveLength(1);
    expect(await snapshotOf('1101')).toContain('<snapshot>');
    // The last client closing closes the session.
    expect(await send(req('closeSession', { deviceNumber: '1101', eventUDPPort: String(b.port) }))).toBe(STANDARD);
    expect(await snapshotOf('1101')).toBe(error('noOpenSession'));
  });

  it('closing for every client (clientOnly false) tells the other clients sessionClosedByClient', async () => {
    await startGateway();
    const a = await listener();
    const b = await listener();
    await open('1102', { eventUDPPort: String(a.port) });
    await open('1102', { eventUDPPort: String(b.port) });
    expect(await send(req('closeSession', { deviceNumber: '1102', eventUDPPort: String(a.port), clientOnly: '<false/>' }))).toBe(STANDARD);
    expect(await b.waitFor(1, (m) => m.includes('<session>'))).toEqual([sessionEvent('1102', 'sessionClosedByClient')]);
    expect(await snapshotOf('1102')).toBe(error('noOpenSession'));
  });

  it('restricted clients only get alerting call events', async () => {
    await startGateway();
    const full = await listener();
    const restricted = await listener();
    await open('1102', { eventUDPPort: String(full.port) });
    await open('1102', { eventUDPPort: String(restricted.port), eventUpdate: '<restricted/>' });
    await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    await send(req('answerCall', { deviceNumber: '1102' }));
    await send(req('doNotDisturb', { deviceNumber: '1102', state: '<on/>' }));
    await full.waitFor(1, (m) => m.includes('doNotDisturb'));
    await settle();
    expect(restricted.messages).toHaveLength(1);
    expect(restricted.messages[0]).toContain('<state><alerting/></state>');
    expect(full.messages.some((m) => m.includes('<agent>'))).toBe(true);
    expect(full.messages.some((m) => m.includes('<connected/>'))).toBe(true);
  });
});

describe('timeouts', () => {
  it('closes after sessionTimeout of inactivity, each action resetting it, and tells the clients', async () => {
    const g = await startGateway();
    const l = await listener();
    expect(await open('1101', { eventUDPPort: String(l.port), sessionTimeout: '60' })).toBe(STANDARD);
    g.clock.advance(59_000);
    expect(await send(req('queryForward', { deviceNumber: '1101' }))).toContain('<forwards/>');
    g.clock.advance(59_000);
    expect(await snapshotOf('1101')).toContain('<snapshot>');
    g.clock.advance(60_000);
    expect(await l.waitFor(1, (m) => m.includes('<session>'))).toEqual([sessionEvent('1101', 'sessionClosedByTimeout')]);
    expect(await snapshotOf('1101')).toBe(error('noOpenSession'));
  });

  it('ignores a sessionTimeout that is not positive', async () => {
    const g = await startGateway();
    expect(await open('1101', { sessionTimeout: '-5' })).toBe(STANDARD);
    g.clock.advance(86_400_000);
    expect(await snapshotOf('1101')).toContain('<snapshot>');
  });

  it('delays the close by actualCloseSessionTimeout; reopening meanwhile (a page refresh) keeps the session', async () => {
    const g = await startGateway();
    await open('1101');
    expect(await send(req('closeSession', { deviceNumber: '1101', actualCloseSessionTimeout: '3' }))).toBe(STANDARD);
    g.clock.advance(2900);
    expect(await snapshotOf('1101')).toContain('<snapshot>');
    await open('1101');
    g.clock.advance(10_000);
    expect(await snapshotOf('1101')).toContain('<snapshot>');
    await send(req('closeSession', { deviceNumber: '1101', actualCloseSessionTimeout: '3' }));
    g.clock.advance(3000);
    expect(await snapshotOf('1101')).toBe(error('noOpenSession'));
  });
});

describe('license and authentication', () => {
  it('answers sessionLimitExceeded beyond the licensed number of sessions (devices), not for another client', async () => {
    await startGateway({ telservices: { sessionLimit: 2 } });
    expect(await open('1101')).toBe(STANDARD);
    expect(await open('1102')).toBe(STANDARD);
    expect(await open('1103')).toBe(error('sessionLimitExceeded'));
    expect(await open('1102', { eventUDPPort: '40000' })).toBe(STANDARD);
    await send(req('closeSession', { deviceNumber: '1101' }));
    expect(await open('1103')).toBe(STANDARD);
  });

  it('with an administrator user id, the first openSession on a device must authenticate; later ones need not', async () => {
    await startGateway({ telservices: { adminUserId: 'admin', adminPassword: 'secret' } });
    expect(await open('1101')).toBe(error('invalidCredentials'));
    expect(await open('1101', { userID: 'admin', userPassword: 'wrong' })).toBe(error('invalidCredentials'));
    expect(await open('1101', { userID: 'admin', userPassword: 'secret' })).toBe(STANDARD);
    await send(req('closeSession', { deviceNumber: '1101' }));
    expect(await open('1101')).toBe(STANDARD);
    expect(await open('1102')).toBe(error('invalidCredentials'));
  });

  it('with authentication by administrator enabled, an agent authenticates with its own password', async () => {
    const fixture = loadFixture(DEFAULT_CENTER_FIXTURE);
    const withPassword = { ...fixture, agents: fixture.agents.map((a) => (a.userId === 'HARRI' ? { ...a, password: 'pw' } : a)) };
    const g = await startGateway({ fixture: withPassword, telservices: { authByAdministrator: true } });
    expect(await open('1101', { userID: 'HARRI', userPassword: 'nope' })).toBe(error('invalidCredentials'));
    expect(await open('1101', { userID: 'HARRI', userPassword: 'pw' })).toBe(STANDARD);
    // Without the setting there is no control at all.
    await g.close();
    await startGateway();
    expect(await open('1101', { userID: 'whoever', userPassword: 'anything' })).toBe(STANDARD);
  });
});

describe('session events', () => {
  it('sessionClosedByAdmin when the administrator closes a session', async () => {
    const g = await startGateway();
    const l = await listener();
    await open('1101', { eventUDPPort: String(l.port) });
    const list = await request(`${g.httpUrl}/telservices/sessions`);
    expect(((await list.body.json()) as { sessions: { deviceNumber: string }[] }).sessions.map((s) => s.deviceNumber)).toEqual(['1101']);
    const r = await request(`${g.httpUrl}/telservices/sessions/1101`, { method: 'DELETE' });
    expect(r.statusCode).toBe(200);
    await r.body.dump();
    expect(await l.waitFor(1, (m) => m.includes('<session>'))).toEqual([sessionEvent('1101', 'sessionClosedByAdmin')]);
    expect(await snapshotOf('1101')).toBe(error('noOpenSession'));
  });

  it('sessionClosedByMonitoringReject when the PBX refuses to monitor the device', async () => {
    await startGateway();
    const l = await listener();
    expect(await open('9999', { eventUDPPort: String(l.port) })).toBe(STANDARD);
    expect(await l.waitFor(1, (m) => m.includes('<session>'))).toEqual([sessionEvent('9999', 'sessionClosedByMonitoringReject')]);
    expect(await snapshotOf('9999')).toBe(error('noOpenSession'));
    // startPbxMonitor false: the monitor is asked for when a service needs it.
    const m = await listener();
    expect(await open('9998', { eventUDPPort: String(m.port), startPbxMonitor: '<false/>' })).toBe(STANDARD);
    expect(await snapshotOf('9998')).toBe(error('pbxReject'));
    expect(await m.waitFor(1, (x) => x.includes('<session>'))).toEqual([sessionEvent('9998', 'sessionClosedByMonitoringReject')]);
  });

  it('pbxlinkOutOfService and pbxlinkInService follow the pbxLink fault; PBX services fail meanwhile, queries work', async () => {
    await startGateway();
    const l = await listener();
    await open('1101', { eventUDPPort: String(l.port) });
    const fault = async (state: 'down' | 'up') => {
      const r = await request(`${gw().httpUrl}/api/v1/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ component: 'pbxLink', state }) });
      expect(r.statusCode).toBe(200);
      await r.body.dump();
    };
    await fault('down');
    expect(await l.waitFor(1, (m) => m.includes('<session>'))).toEqual([sessionEvent('1101', 'pbxlinkOutOfService')]);
    expect(await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }))).toBe(error('pbxlinkOutOfService'));
    expect(await send(req('doNotDisturb', { deviceNumber: '1101', state: '<on/>' }))).toBe(error('pbxlinkOutOfService'));
    expect(await send(req('agentState', { deviceNumber: '1101', state: '<notReady/>' }))).toBe(error('pbxlinkOutOfService'));
    expect(await open('1102')).toBe(error('pbxlinkOutOfService'));
    expect(await open('1102', { startPbxMonitor: '<false/>' })).toBe(STANDARD);
    expect(await send(req('queryDoNotDisturb', { deviceNumber: '1101' }))).toContain('<off/>');
    expect(await snapshotOf('1101')).toContain('<session><pbxlinkOutOfService/></session>');
    expect(await send(req('queryRoutingPointState', { service: 'service1' }))).toContain('<started-failed/>');
    await fault('up');
    expect(await l.waitFor(2, (m) => m.includes('<session>'))).toEqual([sessionEvent('1101', 'pbxlinkOutOfService'), sessionEvent('1101', 'pbxlinkInService')]);
    expect(await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }))).toBe(STANDARD);
  });
});
