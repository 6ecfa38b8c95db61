/**
 * Seed "User services" other than call control: features (forward, doNotDisturb, message waiting) with their events,
 * agent state, directory services, history, statistics, qualifyCall, the snapshot long poll, and the errors a real
 * TelServer answers for them.
 */
import { describe, expect, it } from 'vitest';
import { request } from 'undici';
import { loadFixture } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';
import { compact, error, field, req, settle, STANDARD, useGateway } from './helpers.js';

const { startGateway, gw, send, monitor } = useGateway();
const result = (inner: string) => `<TelServiceReturn><result>${inner}</result></TelServiceReturn>`;
const event = (device: string, inner: string) => `<TelServiceEvent><deviceNumber>${device}</deviceNumber><event>${inner}</event></TelServiceEvent>`;

async function api(method: 'POST' | 'PUT', path: string, body: unknown): Promise<Record<string, unknown>> {
  const r = await request(`${gw().httpUrl}${path}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await r.body.json()) as Record<string, unknown>;
  expect(r.statusCode, JSON.stringify(json)).toBeLessThan(300);
  return json;
}

const FORWARD_TYPES = ['immediate', 'busy', 'noAnswer', 'immInt', 'immExt', 'busyInt', 'busyExt', 'noAnswerInt', 'noAnswerExt'];

describe('features and their events', () => {
  it('forward: all nine types on and off, each reported by a forward event and by queryForward', async () => {
    await startGateway();
    const l = await monitor('1101');
    for (const type of FORWARD_TYPES) {
      const info = `<number>1102</number><type><${type}/></type><state><on/></state>`;
      expect(await send(req('forward', { deviceNumber: '1101', info }))).toBe(STANDARD);
    }
    const listed = await send(req('queryForward', { deviceNumber: '1101' }));
    expect([...listed.matchAll(/<type><(\w+)\/><\/type>/g)].map((m) => m[1])).toEqual(FORWARD_TYPES);
    // The parameter list calls the record "forward" (the example "info"): both are read.
    expect(await send(req('forward', { deviceNumber: '1101', forward: '<number>1102</number><type><busy/></type><state><off/></state>' }))).toBe(STANDARD);
    expect(await send(req('queryForward', { deviceNumber: '1101' }))).not.toContain('<busy/>');
    const events = await l.waitFor(10, (m) => m.includes('<forward>'));
    expect(events[0]).toBe(event('1101', '<forward><number>1102</number><type><immediate/></type><state><on/></state></forward>'));
    expect(events[9]).toBe(event('1101', '<forward><number>1102</number><type><busy/></type><state><off/></state></forward>'));
    // Forwards act: an immediate forward sends a call for 1101 to 1102.
    expect(await send(req('makeCall', { deviceNumber: '1103', calledDeviceNumber: '1101' }))).toBe(STANDARD);
    expect(gw().gw.center.telephony.callsOf('1102')).toHaveLength(1);
  });

  it('doNotDisturb and message waiting: events and queries; a DND device refuses calls', async () => {
    await startGateway();
    const l = await monitor('1102');
    expect(await send(req('doNotDisturb', { deviceNumber: '1102', state: '<on/>' }))).toBe(STANDARD);
    expect(await send(req('queryDoNotDisturb', { deviceNumber: '1102' }))).toBe(result('<doNotDisturb><on/></doNotDisturb>'));
    gw().gw.center.setMsgWaiting('1102', true);
    expect(await send(req('queryMsgWaiting', { deviceNumber: '1102' }))).toBe(result('<msgWaiting><on/></msgWaiting>'));
    expect(await l.waitFor(2)).toEqual([event('1102', '<doNotDisturb><on/></doNotDisturb>'), event('1102', '<msgWaiting><on/></msgWaiting>')]);
    await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    expect(gw().gw.center.telephony.callsOf('1102')).toHaveLength(0);
    expect(await send(req('queryDoNotDisturb', { deviceNumber: '4242' }))).toBe(error('pbxReject'));
  });
});

describe('agent state', () => {
  it('changes the agent state and reports agent events with services, timeout and permitted states', async () => {
    const g = await startGateway({ center: { wrapUpSec: 30 } });
    const l = await monitor('1101');
    expect(await send(req('agentState', { deviceNumber: '1101', state: '<notReady/>' }))).toBe(STANDARD);
    expect(await send(req('agentState', { deviceNumber: '1101', state: '<loggedOn/>' }))).toBe(STANDARD);
    expect(await send(req('agentState', { deviceNumber: '1101', state: '<workingAfterCall/>' }))).toBe(STANDARD);
    const events = await l.waitFor(3, (m) => m.includes('<agent>'));
    expect(events.map((e) => /<state><(\w+)\/><\/state>/.exec(e)?.[1])).toEqual(['notReady', 'loggedOn', 'workingAfterCall']);
    expect(events[2]).toBe(
      event('1101', '<agent><userID>HARRI</userID><state><workingAfterCall/></state><timeout>30</timeout><inboundServices><service>service1</service></inboundServices><permittedStates><ready/><notReady/><workingAfterCall/></permittedStates></agent>'),
    );
    g.clock.advance(10_000);
    expect(await send(req('queryAgentState', { deviceNumber: '1101' }))).toContain('<timeout>20</timeout>');
    g.clock.advance(20_000);
    expect(await send(req('queryAgentState', { deviceNumber: '1101' }))).toContain('<state><ready/></state>');
    expect(gw().gw.center.agent('HARRI').state).toBe('ready');
    // The seed: null is not possible and busy cannot be requested.
    expect(await send(req('agentState', { deviceNumber: '1101', state: '<busy/>' }))).toBe(error('reject'));
    expect(await send(req('agentState', { deviceNumber: '1101', state: '<null/>' }))).toBe(error('reject'));
    expect(await send(req('agentState', { deviceNumber: '1101', state: '<loggedOff/>' }))).toBe(STANDARD);
    expect(gw().gw.center.agent('HARRI').state).toBe('loggedOff');
  });

  it('a device without an agent reports the null state and refuses agent state changes', async () => {
    const fixture = { ...loadFixture(DEFAULT_CENTER_FIXTURE), devices: [{ number: '1200' }] };
    await startGateway({ fixture });
    await monitor('1200');
    expect(await send(req('queryAgentState', { deviceNumber: '1200' }))).toBe(result('<agent><state><null/></state></agent>'));
    expect(await send(req('agentState', { deviceNumber: '1200', state: '<ready/>' }))).toBe(error('pbxReject'));
    expect(await send(req('snapshot', { deviceNumber: '1200' }))).not.toContain('<agent>');
  });
});

describe('directory services', () => {
  it('searchName: names starting with the text, else containing " text", else the company; ordered, case-insensitive, limited', async () => {
    await startGateway();
    const parties = [
      ['+801', 'Martin Jagger', 'home', 'uniGone'],
      ['+802', 'Marcel Jagger', 'work', 'uniGone'],
      ['+803', 'Anna Marsh', 'mobile', 'Elsewhere'],
      ['+804', 'Bob Smith', 'ip', 'Marvel Ltd'],
    ]
      .map(([n, name, type, company]) => `<party><number>${n}</number><name>${name}</name><numberType><${type}/></numberType><company>${company}</company></party>`)
      .join('');
    expect(await send(req('updateUserDirectory', { userID: 'HARRI', directoryName: 'outlook', parties }))).toBe(STANDARD);
    const names = async (text: string, extra: Record<string, string> = { userID: 'HARRI' }) =>
      [...(await send(req('searchName', { ...extra, name: text }))).matchAll(/<name>([^<]+)<\/name>/g)].map((m) => m[1]);
    expect(await names('mar')).toEqual(['Marcel Jagger', 'Martin Jagger']);
    expect(await names('MARS')).toEqual(['Anna Marsh']);
    expect(await names('jag')).toEqual(['Marcel Jagger', 'Martin Jagger']);
    expect(await names('marv')).toEqual(['Bob Smith']);
    expect(await send(req('searchName', { userID: 'HARRI', name: 'mar', limit: '1' }))).toBe(
      result('<searchDirectory><party><number>+802</number><name>Marcel Jagger</name><numberType><work/></numberType><company>uniGone</company></party></searchDirectory>'),
    );
    // A private directory is the user's own; the device number stands for the user when no userID is given.
    expect(await names('mar', {})).toEqual([]);
    expect(await send(req('searchName', { name: 'Mar' }))).toBe(result('<searchDirectory/>'));
    expect(await send(req('searchNumber', { userID: 'HARRI', number: '+804' }))).toContain('<name>Bob Smith</name>');
    expect(await send(req('searchNumber', { number: '+33160127764' }))).toBe(result('<searchDirectory/>'));
    // updateUserDirectory replaces the whole directory.
    expect(await send(req('updateUserDirectory', { userID: 'HARRI', directoryName: 'outlook', parties: '<party><number>+809</number><name>Zoe Zed</name></party>' }))).toBe(STANDARD);
    expect(await names('mar')).toEqual([]);
    expect(await names('zoe')).toEqual(['Zoe Zed']);
    expect(await send(req('updateUserDirectory', { directoryName: 'x', parties: '' }))).toBe(error('reject'));
  });

  it('updateDirectory synchronises a directory defined in the configuration, refuses others', async () => {
    const fixture = { ...loadFixture(DEFAULT_CENTER_FIXTURE), telservices: { routingPoints: [], directories: [{ name: 'ldap', entries: [{ number: '+4412345', name: 'Ldap Person', company: 'LDAP Inc', numberType: 'work' }] }] } };
    await startGateway({ fixture });
    expect(await send(req('searchName', { name: 'ldap' }))).toBe(result('<searchDirectory/>'));
    expect(await send(req('updateDirectory', { directoryName: 'ldap' }))).toBe(STANDARD);
    expect(await send(req('searchName', { name: 'ldap' }))).toContain('<name>Ldap Person</name>');
    expect(await send(req('updateDirectory', { directoryName: 'exchange' }))).toBe(error('reject'));
  });
});

describe('qualifyCall and party names', () => {
  it('returns the calling number and name, answering unless told not to', async () => {
    await startGateway();
    const l = await monitor('1101');
    await monitor('1102');
    await api('POST', '/api/v1/calls', { from: '+35840111222', to: '1101' });
    // Call events show the directory's name, company and number type for an outside number.
    const [alerting] = await l.waitFor(1, (m) => m.includes('<alerting/>'));
    expect(alerting).toContain('<otherParty><number>+35840111222</number><name>Matti Meikäläinen</name><numberType><mobile/></numberType><company>Meikäläinen Oy</company></otherParty>');
    expect(await send(req('qualifyCall', { deviceNumber: '1101', answerCall: 'false' }))).toBe(
      result('<qualifyCall><number>+35840111222</number><name>Matti Meikäläinen</name></qualifyCall>'),
    );
    expect(gw().gw.center.telephony.callsOf('1101')[0]?.parties[1]?.state).toBe('alerting');
    expect(await send(req('qualifyCall', { deviceNumber: '1101', needName: '<false/>' }))).toBe(result('<qualifyCall><number>+35840111222</number></qualifyCall>'));
    expect(gw().gw.center.telephony.callsOf('1101')[0]?.parties[1]?.state).toBe('connected');
    expect(await send(req('qualifyCall', { deviceNumber: '1102' }))).toBe(error('noCall'));
  });

  it('telservices.qualifyCallAnswers false never answers', async () => {
    await startGateway({ telservices: { qualifyCallAnswers: false } });
    await monitor('1102');
    await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    expect(await send(req('qualifyCall', { deviceNumber: '1102' }))).toBe(result('<qualifyCall><number>1101</number></qualifyCall>'));
    expect(gw().gw.center.telephony.partyOf(gw().gw.center.activeCalls()[0]!, '1102')?.state).toBe('alerting');
  });
});

describe('queryHistory', () => {
  it('filters by record type, dates, hour, search and limit, newest first', async () => {
    const g = await startGateway();
    await monitor('1101');
    await monitor('1102');
    // Monday 2026-01-05 09:00 UTC: 1101 calls 1102, talks a minute.
    await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    g.clock.advance(2000);
    await send(req('answerCall', { deviceNumber: '1102' }));
    g.clock.advance(60_000);
    await send(req('dropCall', { deviceNumber: '1101' }));
    // Tuesday 10:00: a customer rings 1101 for 5 s and gives up.
    g.clock.advance(25 * 3600_000 - 62_000);
    const { callId } = (await api('POST', '/api/v1/calls', { from: '+35840111222', to: '1101' })) as { callId: string };
    g.clock.advance(5000);
    await api('POST', `/api/v1/calls/${callId}/hangup`, {});

    const history = async (fields: Record<string, string>) => send(req('queryHistory', fields));
    const all = await history({ deviceNumber: '1101' });
    expect(compact(all)).toBe(
      result(
        '<history>' +
          '<record><creationDate>2026-01-06</creationDate><creationTime>10:00:00</creationTime><otherParty><number>+35840111222</number><name>Matti Meikäläinen</name><numberType><mobile/></numberType><company>Meikäläinen Oy</company></otherParty><alertingDuration>5</alertingDuration><duration>0</duration><isOutgoing><false/></isOutgoing><isConnected><false/></isConnected><cause><droppedByOtherParty/></cause></record>' +
          '<record><creationDate>2026-01-05</creationDate><creationTime>09:00:00</creationTime><otherParty><number>1102</number></otherParty><alertingDuration>0</alertingDuration><duration>60</duration><isOutgoing><true/></isOutgoing><isConnected><true/></isConnected><cause><normal/></cause></record>' +
          '</history>',
      ),
    );
    const dates = async (fields: Record<string, string>) => [...(await history({ deviceNumber: '1101', ...fields })).matchAll(/<creationDate>([^<]+)</g)].map((m) => m[1]);
    expect(await dates({ startDate: '2026-01-06' })).toEqual(['2026-01-06']);
    expect(await dates({ endDate: '2026-01-05' })).toEqual(['2026-01-05']);
    expect(await dates({ startDate: '2026-01-05', startHour: '10' })).toEqual(['2026-01-06']);
    expect(await dates({ search: 'meikä' })).toEqual(['2026-01-06']);
    expect(await dates({ search: '110' })).toEqual(['2026-01-05']);
    expect(await dates({ limit: '1' })).toEqual(['2026-01-06']);
    const agentRecords = await history({ deviceNumber: '1101', recordType: '<agent/>' });
    expect([...agentRecords.matchAll(/<agentState><(\w+)\/>/g)].map((m) => m[1])).toEqual(['ready', 'busy', 'ready', 'busy']);
    expect((await history({ deviceNumber: '1101', recordType: '<all/>' })).match(/<record>/g)).toHaveLength(6);
    // Without a device every record says whose it is.
    const wide = await history({ userID: 'MAIJA' });
    expect(wide).toContain('<deviceNumber>1102</deviceNumber><userID>MAIJA</userID>');
    expect(await history({ startDate: '2026-02-30' })).toBe(error('reject'));
    expect(await history({ startDate: '05/01/2026' })).toBe(error('reject'));
  });
});

describe('statistics', () => {
  it('queryUserStatistics total counts calls and state times; snapshot shows the agent state and services', async () => {
    const g = await startGateway();
    await monitor('1101');
    await monitor('1102');
    g.clock.advance(60_000);
    await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    g.clock.advance(3000);
    await send(req('answerCall', { deviceNumber: '1102' }));
    g.clock.advance(57_000);
    await send(req('dropCall', { deviceNumber: '1102' }));
    const harri = await send(req('queryUserStatistics', { deviceNumber: '1101', type: '<total/>' }));
    expect(field(harri, 'start')).toBe('2026-01-05T09:00:00');
    expect(field(harri, 'outgoingCallsOriginatedCount')).toBe('1');
    expect(field(harri, 'outgoingCallsConnectedCount')).toBe('1');
    expect(field(harri, 'outgoingCallsConnectedDuration')).toBe('00:00:57');
    expect(field(harri, 'agentLoggedOnDuration')).toBe('00:02:00');
    expect(field(harri, 'agentLoggedOnPercentage')).toBe('1.0E2');
    expect(field(harri, 'agentReadyPercentage')).toBe('5.0E1');
    expect(field(harri, 'agentBusyDuration')).toBe('00:01:00');
    expect(field(harri, 'agentDirectCallDuration')).toBe('00:00:57');
    const maija = await send(req('queryUserStatistics', { deviceNumber: '1102', type: '<total/>' }));
    expect(field(maija, 'incomingCallsAlertingCount')).toBe('1');
    expect(field(maija, 'incomingCallsAlertingMaxDuration')).toBe('00:00:03');
    expect(field(maija, 'incomingCallsConnectedCount')).toBe('1');
    expect(field(maija, 'agentIncomingCallsConnectedCount')).toBe('0');
    const counters = [...maija.matchAll(/<(\w+)>[^<]*<\/\1>/g)].map((m) => m[1]);
    expect(counters).toHaveLength(42);
    expect(await send(req('queryUserStatistics', { deviceNumber: '1101', userID: 'NOBODY', type: '<total/>' }))).toBe(error('reject'));
  });

  it('queryRoutingPointStatistics for the inbound routing point follows the queue 2001 calls', async () => {
    const g = await startGateway();
    for (const u of ['HARRI', 'MAIJA', 'ANNA']) await api('PUT', `/api/v1/agents/${u}/state`, { state: 'notReady' });
    await api('POST', '/api/v1/calls', { from: '+35840111222', to: '2001' });
    g.clock.advance(20_000);
    const snap = await send(req('queryRoutingPointStatistics', { service: 'service1', type: '<snapshot/>' }));
    expect(snap).toContain('<queuedCallsCount>1</queuedCallsCount><queuedCallsDuration>00:00:20</queuedCallsDuration><readyAvailableAgentsCount>0</readyAvailableAgentsCount><busyOrWorkingAfterCallAgentsCount>0</busyOrWorkingAfterCallAgentsCount><notReadyOrDirectCallAgentsCount>3</notReadyOrDirectCallAgentsCount>');
    await api('PUT', '/api/v1/agents/ANNA/state', { state: 'ready' });
    await api('POST', '/api/v1/agents/ANNA/actions', { action: 'answer' });
    const total = await send(req('queryRoutingPointStatistics', { service: 'service1', type: '<total/>' }));
    expect(total).toContain('<routedToDistributionCallsCount>1</routedToDistributionCallsCount>');
    expect(total).toContain('<queuedCallsCount>1</queuedCallsCount><queuedCallsDuration>00:00:20</queuedCallsDuration>');
    expect(total).toContain('<incomingCallsCount>1</incomingCallsCount>');
    expect(total).toContain('<incomingCallsConnectedCount>1</incomingCallsConnectedCount>');
    expect(total).toContain('<incomingCallsAbandoneddImmediatelCount>0</incomingCallsAbandoneddImmediatelCount>');
    expect(total).toContain('<deviceNumber>1104</deviceNumber><start>2026-01-05T09:00:00</start><userID>ANNA</userID>');
    const snap2 = await send(req('queryRoutingPointStatistics', { service: 'service1', type: '<snapshot/>' }));
    expect(snap2).toContain('<busyOrWorkingAfterCallAgentsCount>1</busyOrWorkingAfterCallAgentsCount><notReadyOrDirectCallAgentsCount>2</notReadyOrDirectCallAgentsCount><agentsInCallCount>1</agentsInCallCount>');
    expect(await send(req('queryRoutingPointStatistics', { service: 'nowhere', type: '<total/>' }))).toBe(error('reject'));
  });
});

describe('snapshot', () => {
  it('long-polls over HTTP: answers at the next change of the device, or at the timeout', async () => {
    const g = await startGateway();
    await send(req('openSession', { deviceNumber: '1102' }));
    const post = async (xml: string) => {
      const r = await request(`${gw().httpUrl}/telservices`, { method: 'POST', body: xml });
      return r.body.text();
    };
    const first = await post(req('snapshot', { deviceNumber: '1102' }));
    const seq = /<snapshotSeq>(\d+)<\/snapshotSeq>/.exec(first)?.[1];
    expect(seq).toBeDefined();
    const waiting = post(req('snapshot', { deviceNumber: '1102', resultOnEvent: `<timeout>30</timeout><snapshotSeq>${seq}</snapshotSeq>` }));
    let answered = false;
    void waiting.then(() => (answered = true));
    await settle(50);
    expect(answered).toBe(false);
    await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }));
    const changed = await waiting;
    expect(changed).toContain('<alerting/>');
    expect(Number(/<snapshotSeq>(\d+)</.exec(changed)?.[1])).toBeGreaterThan(Number(seq));
    // Nothing changes: the answer comes at the timeout (virtual time).
    await api('POST', '/api/v1/agents/HARRI/actions', { action: 'drop' });
    const calm = await post(req('snapshot', { deviceNumber: '1102' }));
    const seq2 = /<snapshotSeq>(\d+)<\/snapshotSeq>/.exec(calm)?.[1] ?? '';
    const idle = post(req('snapshot', { deviceNumber: '1102', resultOnEvent: `<timeout>10</timeout><snapshotSeq>${seq2}</snapshotSeq>` }));
    await settle(50);
    g.clock.advance(10_000);
    expect(await idle).toContain(`<snapshotSeq>${seq2}</snapshotSeq>`);
    // Over raw TCP resultOnEvent is for HTTP clients only: immediate answer, no sequence number.
    const tcp = await send(req('snapshot', { deviceNumber: '1102', resultOnEvent: `<timeout>30</timeout><snapshotSeq>${seq2}</snapshotSeq>` }));
    expect(tcp).toContain('<snapshot><calls/>');
    expect(tcp).not.toContain('snapshotSeq');
  });

  it('caps a long poll at telservices.snapshotMaxWaitSec, whatever timeout (up to 24 h) the request asks for', async () => {
    const g = await startGateway({ telservices: { snapshotMaxWaitSec: 5 } });
    await send(req('openSession', { deviceNumber: '1102' }));
    const post = async (xml: string) => (await request(`${gw().httpUrl}/telservices`, { method: 'POST', body: xml })).body.text();
    const seq = /<snapshotSeq>(\d+)<\/snapshotSeq>/.exec(await post(req('snapshot', { deviceNumber: '1102' })))?.[1] ?? '';
    const day = post(req('snapshot', { deviceNumber: '1102', resultOnEvent: `<timeout>86400</timeout><snapshotSeq>${seq}</snapshotSeq>` }));
    await settle(50);
    g.clock.advance(5_000);
    expect(await day).toContain(`<snapshotSeq>${seq}</snapshotSeq>`);
    expect(await post(req('snapshot', { deviceNumber: '1102', resultOnEvent: `<timeout>86401</timeout><snapshotSeq>${seq}</snapshotSeq>` }))).toContain('<reject/>');
  });
});

describe('errors a real TelServer answers', () => {
  it('pbxReject, pbxTimeout, noCall', async () => {
    await startGateway();
    await monitor('1101');
    expect(await send(req('makeCall', { deviceNumber: '4242', calledDeviceNumber: '1102' }))).toBe(error('pbxReject'));
    expect(await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1101' }))).toBe(error('pbxReject'));
    expect(await send(req('retrieveCall', { deviceNumber: '1101' }))).toBe(error('noCall'));
    expect(await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1102' }))).toBe(STANDARD);
    expect(await send(req('dropCall', { deviceNumber: '1101', otherNumber: '1104' }))).toBe(error('noCall'));
    expect(await send(req('makeCall', { deviceNumber: '1101', calledDeviceNumber: '1103' }))).toBe(error('pbxReject'));
    await api('POST', '/api/v1/faults', { component: 'callDispatcher', state: 'down' });
    expect(await send(req('dropCall', { deviceNumber: '1101' }))).toBe(error('pbxTimeout'));
    expect(await send(req('queryForward', { deviceNumber: '1101' }))).toBe(result('<forwards/>'));
    await api('POST', '/api/v1/faults', { component: 'callDispatcher', state: 'up' });
    expect(await send(req('dropCall', { deviceNumber: '1101', otherNumber: '1102' }))).toBe(STANDARD);
  });
});
