/**
 * A simulated SAP CRM IC WebClient, written from the seed (002: 3.11 login flow, 9.x operations, 10.12.3 status and
 * capability table) and importing nothing of ccgate: the gateway runs as a real process, and a QM tool (QMI) and a
 * TelServices client watch the same contact center meanwhile. The CRM logs HARRI in, takes an inbound queue call
 * (Alerting with 1,2,3), accepts, holds, resumes, consults MAIJA, transfers, the customer ends, and HARRI wraps up;
 * every phoneCallChanged must carry the default capabilities table 10.12.3 gives its status, and at each step QMI and
 * TelServices report the same call before the CRM goes on. Then SIGTERM: subscriptionEnded reason 1 reaches every
 * subscribed appUrl before the process exits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CrmReceiver, type IciEvent } from './crm-receiver.js';
import { ici, QmiTool, startGatewayProcess, TelServicesSession, type GatewayProcess, type TsEvent } from './world.js';

/** Seed 10.12.3: default capabilities per phone call status. */
const DEFAULT_CAPABILITIES: Record<string, number[]> = {
  '1': [6, 7, 8, 101, 102, 103],
  '2': [],
  '3': [1, 2, 3],
  '4': [5],
  '101': [3, 4, 6, 7, 8, 102, 104, 105, 107, 109, 110],
  '102': [6, 7, 8, 101, 102, 103],
  '103': [102],
  '104': [102],
  '105': [102],
  '106': [4, 6, 7, 8, 102, 103, 104, 105, 108, 109, 110],
  '107': [4, 6, 7, 8, 102],
  '108': [4, 6, 7, 8, 102, 106, 107],
  '109': [4, 6, 7, 8, 102, 107],
  '110': [112],
};
const CUSTOMER = '+35840111222';
const CALL = '5eed0002-0091-4e38-8c64-6ae056000001';
const HANDLE = CALL.replace(/-/g, '').toUpperCase();
const APP_ID = '1cb65470-a2c1-11da-aa97-001143dc2e6e';
/** No timer of the simulated world may act while the CRM works: rings and wrap-ups last an hour. */
const CONFIG = { center: { ringTimeoutSec: 3600, wrapUpSec: 3600, noAnswerSec: 3600 } };

interface PhoneCall {
  lineNumber: string;
  callHandle: string;
  status: string;
  processing: string;
  capabilities: number[];
  remoteNumbers: string[];
  inbound: string;
  internal: string;
  attachedData: string;
}
const items = (v: unknown): string[] => ((v as { item?: unknown[] } | undefined)?.item ?? []).map(String);
function phoneCallOf(e: IciEvent): PhoneCall {
  const p = (e.params['phoneCall'] ?? {}) as Record<string, unknown>;
  const id = (k: string): string => String((p[k] as { id?: unknown } | undefined)?.id ?? '');
  return {
    lineNumber: String(p['lineNumber'] ?? ''),
    callHandle: String(p['callHandle'] ?? ''),
    status: id('callStatus'),
    processing: id('processingStatus'),
    capabilities: items(p['capabilityList']).map(Number),
    remoteNumbers: items(p['remoteNumbers']),
    inbound: String(p['inbound'] ?? ''),
    internal: String(p['internal'] ?? ''),
    attachedData: String(p['attachedData'] ?? ''),
  };
}

let gw: GatewayProcess;
let crm: CrmReceiver;
let qm: QmiTool;
beforeAll(async () => {
  crm = await new CrmReceiver().start();
  qm = await new QmiTool().start();
  gw = await startGatewayProcess(CONFIG);
});
afterAll(async () => {
  gw.child.kill('SIGTERM');
  await gw.exited;
  await crm.stop();
  await qm.stop();
});

describe('a simulated SAP CRM against a ccgate process', () => {
  it('logs HARRI in and takes a queue call from Alerting to wrap-up, with QMI and TelServices reporting the same call', { timeout: 60_000 }, async () => {
    const base = gw.baseUrl;
    await qm.subscribe(base, 'crm-test-qmi');
    const ts = await new TelServicesSession().open(gw.telservicesPort, '1101');
    try {
      // Login (seed 3.11): getWorkcenterCapability, getAttributes, the other IciUser functions, then subscriptions.
      expect(await ici(base, 'System', 'getWorkcenterCapability', '<userId>HARRI</userId>')).toMatchObject({ response: { types: '0' } });
      const user = (await ici(base, 'User', 'getAttributes', '<userId>HARRI</userId>'))['response'] as Record<string, unknown>;
      expect(user['userId']).toBe('HARRI');
      const addresses = ((user['addresses'] as { item?: { address: string; channel: string }[] }).item ?? []);
      const line = addresses.find((a) => String(a.channel) === '1')?.address ?? '';
      expect(line, 'HARRI has a phone address (User.addresses, channel 1)').toMatch(/^\+[0-9]+$/);
      const maija = (await ici(base, 'System', 'getUserPresence', '<users><Item>MAIJA</Item></users>'))['response'] as { item?: { collaborationData?: { item?: { channel: string; address: string }[] } }[] };
      const maijaLine = maija.item?.[0]?.collaborationData?.item?.find((c) => String(c.channel) === '1')?.address ?? '';
      expect(maijaLine, "MAIJA's phone address (UserPresenceInfo.collaborationData, channel 1)").toMatch(/^\+[0-9]+$/);
      await ici(base, 'User', 'setCurrentWorkmode', '<userId>HARRI</userId><workmode>3</workmode>');
      await ici(base, 'User', 'subscribe', `<appUrl>${crm.url()}</appUrl><appId>${APP_ID}</appId><userId>HARRI</userId>`);
      await ici(base, 'Container', 'subscribe', `<appUrl>${crm.url()}</appUrl><appId>${APP_ID}</appId><channelType>1</channelType><containerId>${line}</containerId>`);
      await ici(base, 'User', 'setCurrentWorkmode', '<userId>HARRI</userId><workmode>2</workmode>');
      const workmode = (e: IciEvent): string | undefined => (e.params['user'] as { currentWorkmode?: { id?: string } } | undefined)?.currentWorkmode?.id;
      const ready = await crm.take((e) => e.op === 'userChanged' && workmode(e) === '2');
      expect(ready.appIds).toEqual([APP_ID]);

      const seen: PhoneCall[] = [];
      /** The next phoneCallChanged for `handle` with `status`; every one on the way is checked against table 10.12.3. */
      const next = async (handle: string, status: string): Promise<PhoneCall> => {
        for (;;) {
          const e = await crm.take((x) => x.op === 'phoneCallChanged');
          const pc = phoneCallOf(e);
          seen.push(pc);
          expect(e.appIds).toContain(APP_ID);
          expect(pc.lineNumber).toBe(line);
          expect(pc.capabilities, `capabilities of status ${pc.status} (seed 10.12.3)`).toEqual(DEFAULT_CAPABILITIES[pc.status]);
          if (pc.callHandle.toUpperCase() === handle.toUpperCase() && pc.status === status) return pc;
        }
      };
      const tsState = (state: string, other: string, from = 0): Promise<TsEvent> => ts.events.next((e) => e.device === '1101' && e.calls.some((c) => c.state === state && c.otherParty === other), from);
      const qmi = (name: RegExp, from = 0) => qm.events.next((e) => name.test(e.name) && e.params['CallID']?.toLowerCase() === CALL, from);

      // An inbound queue call, offered to HARRI.
      const call = await fetch(`${base}/api/v1/calls`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: CUSTOMER, to: '2001', callId: CALL, preferredAgent: 'HARRI' }) });
      expect(call.status).toBe(201);
      const alerting = await next(HANDLE, '3');
      expect(alerting).toMatchObject({ processing: '1', inbound: 'true', internal: 'false', remoteNumbers: [CUSTOMER] });
      expect(alerting.attachedData).toMatch(/<ItemAttachedData>\s*<Application id="SAP_BCM\/OII">[\s\S]*<FirstBNumber>2001<\/FirstBNumber>/);
      await tsState('alerting', CUSTOMER);

      // Accept: Connected; QMI announces the call, TelServices shows it connected.
      let qmFrom = qm.events.list.length;
      let tsFrom = ts.events.list.length;
      await ici(base, 'Item', 'accept', `<itemId>${HANDLE}</itemId><containerId>${line}</containerId>`);
      expect(await next(HANDLE, '101')).toMatchObject({ processing: '2' });
      await qmi(/Newcall/i, qmFrom);
      await tsState('connected', CUSTOMER, tsFrom);

      // Hold and resume.
      qmFrom = qm.events.list.length;
      tsFrom = ts.events.list.length;
      await ici(base, 'PhoneCall', 'hold', `<lineNumber>${line}</lineNumber><callHandle>${HANDLE}</callHandle>`);
      expect(await next(HANDLE, '106')).toMatchObject({ processing: '2' });
      await qmi(/Callonhold/i, qmFrom);
      await tsState('hold', CUSTOMER, tsFrom);
      qmFrom = qm.events.list.length;
      tsFrom = ts.events.list.length;
      await ici(base, 'PhoneCall', 'unhold', `<lineNumber>${line}</lineNumber><callHandle>${HANDLE}</callHandle>`);
      await next(HANDLE, '101');
      await qmi(/Callresumed/i, qmFrom);
      await tsState('connected', CUSTOMER, tsFrom);

      // Consultation with MAIJA (seed 3.11): a created item, then consult; the queue call goes on hold.
      const created = (await ici(base, 'Item', 'create', `<channelType>1</channelType><containerId>${line}</containerId>`))['response'] as Record<string, unknown>;
      expect((created['status'] as { id?: string }).id).toBe('1');
      expect(items(created['capabilityList']).map(Number)).toEqual(DEFAULT_CAPABILITIES['1']);
      const consultation = String(created['itemId']);
      expect(consultation).toMatch(/^[0-9A-Fa-f]{32}$/);
      qmFrom = qm.events.list.length;
      tsFrom = ts.events.list.length;
      await ici(base, 'PhoneCall', 'consult', `<lineNumber>${line}</lineNumber><callHandle>${consultation}</callHandle><connCallHandle>${HANDLE}</connCallHandle><dialNumber>${maijaLine}</dialNumber><nextStep>2</nextStep>`);
      await next(HANDLE, '106');
      await next(consultation, '104');
      await qmi(/Callonhold/i, qmFrom);
      await tsState('hold', CUSTOMER, tsFrom);
      const answered = await fetch(`${base}/api/v1/agents/MAIJA/actions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'answer' }) });
      expect(answered.status).toBeLessThan(300);
      expect(await next(consultation, '101')).toMatchObject({ inbound: 'false', internal: 'true' });

      // Transfer: the queue call leaves HARRI's line for wrap-up (default, OII.TransferAndEnd 0); QMI and TelServices
      // report the transfer of the same call.
      qmFrom = qm.events.list.length;
      tsFrom = ts.events.list.length;
      await ici(base, 'PhoneCall', 'transfer', `<lineNumber>${line}</lineNumber><connCallHandle>${consultation}</connCallHandle><heldCallHandle>${HANDLE}</heldCallHandle>`);
      expect(await next(HANDLE, '4')).toMatchObject({ processing: '3' });
      await qmi(/Callupdated|Callstate/i, qmFrom);
      await tsState('cleared', CUSTOMER, tsFrom);

      // The customer, now with MAIJA, ends the call; QMI reports its end.
      qmFrom = qm.events.list.length;
      const hangup = await fetch(`${base}/api/v1/calls/${CALL}/hangup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      expect(hangup.status).toBeLessThan(300);
      await qmi(/Callended/i, qmFrom);

      // HARRI wraps up: the item is no longer in process.
      await ici(base, 'Item', 'wrapUpEnded', `<itemId>${HANDLE}</itemId>`);
      for (;;) {
        const pc = await next(HANDLE, '4');
        if (pc.processing === '1') break;
      }
      expect(seen.filter((s) => s.callHandle.toUpperCase() === HANDLE).map((s) => s.status)).toEqual(expect.arrayContaining(['3', '101', '106', '4']));
    } finally {
      ts.close();
    }
  });
});

describe('SIGTERM to a ccgate process', () => {
  it('sends subscriptionEnded reason 1 to every subscribed appUrl, all its appIds in one message, before the process exits', { timeout: 60_000 }, async () => {
    const one = await new CrmReceiver().start();
    const two = await new CrmReceiver().start();
    const p = await startGatewayProcess(CONFIG);
    try {
      const user = (await ici(p.baseUrl, 'User', 'getAttributes', '<userId>HARRI</userId>'))['response'] as { addresses?: { item?: { address: string; channel: string }[] } };
      const line = user.addresses?.item?.find((a) => String(a.channel) === '1')?.address ?? '';
      await ici(p.baseUrl, 'User', 'subscribe', `<appUrl>${one.url()}</appUrl><appId>A1</appId><userId>HARRI</userId>`);
      await ici(p.baseUrl, 'User', 'subscribe', `<appUrl>${one.url()}</appUrl><appId>A2</appId><userId>HARRI</userId>`);
      await ici(p.baseUrl, 'Container', 'subscribe', `<appUrl>${two.url('/other/IciEventConf')}</appUrl><appId>B1</appId><channelType>1</channelType><containerId>${line}</containerId>`);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      // Read at the moment of exit: what arrived later was not sent before it.
      const ended = (r: CrmReceiver) => r.events.filter((e) => e.op === 'subscriptionEnded');
      const [first] = ended(one);
      expect(ended(one), 'one message for the URL').toHaveLength(1);
      expect([...(first?.appIds ?? [])].sort()).toEqual(['A1', 'A2']);
      expect((first?.params['reason'] as { id?: string } | undefined)?.id).toBe('1');
      expect(ended(two).map((e) => [e.appIds, (e.params['reason'] as { id?: string }).id])).toEqual([[['B1'], '1']]);
    } finally {
      if (p.child.exitCode === null) p.child.kill('SIGKILL');
      await one.stop();
      await two.stop();
    }
  });
});
