/**
 * wsdl/qmi.wsdl at ?wsdl: WSDL 1.1 document/literal that a standard SOAP stack consumes on both ends (the npm `soap`
 * client calls QMI; a `soap` server built from the same WSDL is the QM tool's callback), and whose embedded XSD
 * xmllint accepts and validates ccgate's messages against.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as soap from 'soap';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { EVENT_ELEMENTS } from '../../src/interfaces/qmi/protocol.js';
import { agentAction, api, bodyDocument, establishedCall, QMI_NS, Receiver, startGateway, subscribed, XMLLINT, xsdComplaints } from './helpers.js';
import { eventually } from '../support/index.js';

const EVENT_OPS = ['QMICallInfo', 'QMICallInfoNewcall', 'QMICallInfoCallupdated', 'QMICallInfoCallended', 'QMICallInfoCallonhold', 'QMICallInfoCallresumed', 'QMICallInfoCallstate', 'QMIRequestResponse'];
const REQUEST_OPS = ['QMISubscribeSession', 'QMIQueryCallInfo', 'QMICallMonitoringStart', 'QMICallMonitoringStartEx', 'QMICallMonitoringStop', 'QMICallMonitoringPause', 'QMICallMonitoringResume', 'QMIBCMRecordingStart', 'QMIBCMRecordingStop', 'QMIBCMRecordingPause', 'QMIBCMRecordingResume'];

let gw: Gateway;
let wsdl: string;
beforeAll(async () => {
  gw = await startGateway();
  const res = await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx?wsdl`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/xml/);
  wsdl = await res.text();
});
afterAll(async () => {
  await gw.close();
});

type Client = soap.Client & Record<string, (args: unknown) => Promise<[Record<string, unknown>]>>;
async function client(sessionId: string): Promise<Client> {
  const c = (await soap.createClientAsync(`${gw.baseUrl}/bcm/QMIInterface.asmx?wsdl`)) as Client;
  c.addSoapHeader({ QMISessID: sessionId }, '', 'qmi', QMI_NS);
  return c;
}

describe('QMI WSDL', () => {
  it('points its address at the endpoint the client used and describes every request', async () => {
    expect(wsdl).toContain(`location="${gw.baseUrl}/bcm/QMIInterface.asmx"`);
    const c = await client('x');
    expect(Object.keys(c.describe().QMIInterface.QMIInterfaceSoap).sort()).toEqual([...REQUEST_OPS].sort());
  });

  it('lets the npm soap client subscribe, query and receive faults; a soap server built from it takes the events', async () => {
    const got: { op: string; args: Record<string, unknown> }[] = [];
    const impl = Object.fromEntries(EVENT_OPS.map((op) => [op, (args: Record<string, unknown>) => (got.push({ op, args }), { Success: 1 })]));
    // The callback service: the WSDL's QMIEventsSoap binding, given an address as a QM tool would deploy it.
    const eventsWsdl = wsdl.replace('</wsdl:definitions>', '<wsdl:service name="QMIEvents"><wsdl:port name="QMIEventsSoap" binding="qmi:QMIEventsSoap"><soap:address location="http://127.0.0.1/events"/></wsdl:port></wsdl:service></wsdl:definitions>');
    const server: Server = createServer((_req, res) => res.writeHead(404).end());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    await new Promise<void>((resolve, reject) => {
      soap.listen(server, { path: '/events', services: { QMIEvents: { QMIEventsSoap: impl } }, xml: eventsWsdl, callback: (err: unknown) => (err ? reject(err) : resolve()) });
    });
    // Every event carries the one SOAPAction QMI 3.1 names, so a receiver tells them apart by the body element; the
    // npm soap server dispatches on the action whenever one is sent, so it is taken off before it looks.
    const actions: (string | string[] | undefined)[] = [];
    server.prependListener('request', (req) => {
      actions.push(req.headers.soapaction);
      delete req.headers.soapaction;
    });
    try {
      const c = await client('soap-client');
      const [sub] = await c.QMISubscribeSessionAsync({ SessionParams: { CallbackUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`, Subscribe: 1 } });
      expect(sub).toEqual({ Success: 1 });
      const callId = await establishedCall(gw);
      const [q] = await c.QMIQueryCallInfoAsync({ CallID: callId });
      expect(q).toEqual({ Success: 1 });
      await eventually(() => got.length >= 4, 'four callbacks at the soap server');
      expect(got.map((g) => g.op)).toEqual(['QMIRequestResponse', 'QMICallInfoNewcall', 'QMICallInfo', 'QMIRequestResponse']);
      expect(new Set(actions)).toEqual(new Set(['"http://sap.com/BCM/QMIInterface"']));
      expect(wsdl.match(/soapAction="([^"]*)"/g)?.every((a) => a === 'soapAction="http://sap.com/BCM/QMIInterface"')).toBe(true);
      expect(got[1]?.args).toMatchObject({ CallInfoParams: { CallID: callId, ANumber: '+35840111222', AgentNumber: '1101', AgentPort: expect.any(Number), BcmRecordingEn: 0 } });
      expect(got[3]?.args).toEqual({ ReqResponseParams: { CallID: callId, Request: 'QMIQueryCallInfo', Success: 1 } });
      const stranger = await client('stranger');
      await expect(stranger.QMIQueryCallInfoAsync({ CallID: callId })).rejects.toThrow(/soap:Client: Session not subscribed/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it.skipIf(!XMLLINT)('embeds an XSD that xmllint accepts, and that every message ccgate emits is valid against', async () => {
    // Every event type, captured from a real session.
    const tool: Receiver = await subscribed(gw, 'xsd');
    try {
      const callId = await establishedCall(gw, '1103', 'PEKKA');
      await agentAction(gw, 'PEKKA', 'hold');
      await agentAction(gw, 'PEKKA', 'retrieve');
      await api(gw, 'POST', `/api/v1/calls/${callId}/prompt`, { name: 'welcome' });
      await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:q="${QMI_NS}"><e:Header><q:QMISessID>xsd</q:QMISessID></e:Header><e:Body><q:QMIQueryCallInfoRequest><q:CallID>${callId}</q:CallID></q:QMIQueryCallInfoRequest></e:Body></e:Envelope>` });
      await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: `<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/" xmlns:q="${QMI_NS}"><e:Header><q:QMISessID>xsd</q:QMISessID></e:Header><e:Body><q:QMIBCMRecordingStartRequest><q:CallID>nope</q:CallID></q:QMIBCMRecordingStartRequest></e:Body></e:Envelope>` });
      await tool.waitFor((e) => e.name === 'QMIRequestResponseEvent', 2);
      await agentAction(gw, 'PEKKA', 'transfer', '+35891234567');
      await api(gw, 'POST', `/api/v1/calls/${callId}/answer`, {});
      await tool.waitFor((e) => e.name === 'QMICallinfoCallupdatedEvent');
      await api(gw, 'POST', `/api/v1/calls/${callId}/hangup`, { number: '+35891234567' });
      await tool.waitFor((e) => e.name === 'QMICallinfoCallendedEvent');
      const names = new Set(tool.events.map((e) => e.name));
      expect([...names].sort()).toEqual(Object.values(EVENT_ELEMENTS.examples).map((e) => e.root).sort());
      const docs = tool.events.map((e) => bodyDocument(e.raw));
      docs.push(bodyDocument(await (await fetch(`${gw.baseUrl}/bcm/QMIInterface.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: readFileSync(new URL('../golden/qmi/QMISubscribeSession__accepted-s4.1.1/request.xml', import.meta.url)) })).text()));
      for (const golden of ['QMICallMonitoringStartEx__accepted-s4.3.2', 'QMIQueryCallInfo__accepted-s4.3.6', 'QMISubscribeSession__accepted-s4.1.1']) {
        docs.push(bodyDocument(readFileSync(new URL(`../golden/qmi/${golden}/request.xml`, import.meta.url), 'utf8')));
      }
      expect(xsdComplaints(wsdl, docs)).toBe('');
    } finally {
      await tool.stop();
    }
  });
});
