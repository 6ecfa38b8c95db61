/**
 * What a user trying to break ICI sent (README "ICI faults"): requests ICI must refuse rather than run, each answered
 * with the one SoapException format (faultstring com.sap.bcb.common.SoapException, the table's code and text, HTTP 200).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BEANS } from '../../src/interfaces/ici/protocol.js';
import { action, envelope, perTest, post, readAnswer, SOAP12, startGateway, text } from './helpers.js';

const t = perTest();
const GET_USER = '<getAttributes xmlns="urn:IciUserInterface"><userId>HARRI</userId></getAttributes>';

describe('ICI refuses what it cannot take unambiguously', () => {
  it('wrong namespaces and envelopes are refused, never executed (1/2 for the operation, 1/5 for the envelope)', async () => {
    t.gw = await startGateway();
    const set = (ns: string) => `<setCurrentWorkmode xmlns="${ns}"><userId>HARRI</userId><workmode>3</workmode></setCurrentWorkmode>`;
    const wrongOp = await post(t.gw, 'IciUser', envelope(set('urn:WRONG')));
    expect(wrongOp.fault).toMatchObject({ area: 1, error: 2, string: 'com.sap.bcb.common.SoapException' });
    expect(wrongOp.fault?.text).toMatch(/^Unknown operation: /);
    const noEnvelope = await post(t.gw, 'IciUser', envelope(set('urn:IciUserInterface')).replace('http://schemas.xmlsoap.org/soap/envelope/', 'urn:nope'));
    expect(noEnvelope.status).toBe(200);
    expect(noEnvelope.fault).toMatchObject({ area: 1, error: 5, string: 'com.sap.bcb.common.SoapException' });
    const soap12 = `<?xml version="1.0"?><s:Envelope xmlns:s="${SOAP12}"><s:Body>${set('urn:IciUserInterface')}</s:Body></s:Envelope>`;
    const asText = await post(t.gw, 'IciUser', soap12);
    expect(asText.fault).toMatchObject({ area: 1, error: 5 });
    const json = await post(t.gw, 'IciUser', envelope(set('urn:IciUserInterface')), { headers: { 'content-type': 'application/json' } });
    expect(json.fault).toMatchObject({ area: 1, error: 5, string: 'com.sap.bcb.common.SoapException' });
    const user = await post(t.gw, 'IciUser', envelope(GET_USER));
    expect(text(user.response, 'currentWorkmode', 'id')).toBe('2');
  });

  it('without a SOAPAction (or with an empty one) the Body element\'s bean namespace names the bean; another namespace is 1/2', async () => {
    t.gw = await startGateway();
    for (const headers of [{}, { soapaction: '""' }, { soapaction: '' }] as Record<string, string>[]) {
      const a = await post(t.gw, null, envelope(GET_USER), { headers });
      expect(text(a.response, 'userId'), JSON.stringify(headers)).toBe('HARRI');
      const other = await post(t.gw, null, envelope(GET_USER.replace('urn:IciUserInterface', 'urn:WRONG')), { headers });
      expect(other.fault, JSON.stringify(headers)).toMatchObject({ area: 1, error: 2 });
    }
  });

  it('two operations in one Body are refused (1/5), a parameter given twice is 1/1; nothing runs', async () => {
    t.gw = await startGateway();
    const set = '<setCurrentWorkmode xmlns="urn:IciUserInterface"><userId>HARRI</userId><workmode>3</workmode></setCurrentWorkmode>';
    const two = await post(t.gw, 'IciUser', envelope(set + GET_USER));
    expect(two.fault).toMatchObject({ area: 1, error: 5, string: 'com.sap.bcb.common.SoapException' });
    const twice = await post(t.gw, 'IciUser', envelope('<setCurrentWorkmode xmlns="urn:IciUserInterface"><userId>HARRI</userId><userId>MAIJA</userId><workmode>3</workmode></setCurrentWorkmode>'));
    expect(twice.fault).toMatchObject({ area: 1, error: 1 });
    expect(twice.fault?.text).toMatch(/userId is given more than once/);
    const user = await post(t.gw, 'IciUser', envelope(GET_USER));
    expect(text(user.response, 'currentWorkmode', 'id')).toBe('2');
  });

  it('every fault has the one format: the toolkit\'s (unreadable, mustUnderstand) as well as ICI\'s', async () => {
    t.gw = await startGateway();
    const broken = await post(t.gw, 'IciUser', '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><getAttributes>');
    expect(broken.fault).toMatchObject({ area: 1, error: 5, code: 'soap:Client', string: 'com.sap.bcb.common.SoapException' });
    expect(broken.fault?.text).toMatch(/^The request could not be read: /);
    const mu = await post(t.gw, 'IciUser', envelope(GET_USER, '<x:Trace xmlns:x="urn:t" soap:mustUnderstand="1">1</x:Trace>'));
    // SOAP 1.1 §4.4.1: a header not understood is faultcode MustUnderstand; the rest is ICI's format.
    expect(mu.fault).toMatchObject({ area: 1, error: 5, code: 'soap:MustUnderstand', string: 'com.sap.bcb.common.SoapException' });
    const unknown = await post(t.gw, null, envelope(GET_USER), { headers: { soapaction: action('IciNothing') } });
    expect(unknown.fault).toMatchObject({ area: 1, error: 2, string: 'com.sap.bcb.common.SoapException' });
    expect(unknown.fault?.text).toMatch(/^Unknown operation: /);
  });

  it('a document in an encoding the reader does not decode (ISO-8859-1) is 1/5 naming the encoding', async () => {
    t.gw = await startGateway();
    const xml = envelope('<getAttributes xmlns="urn:IciUserInterface"><userId>H\u00c4RRI</userId></getAttributes>').replace('encoding="utf-8"', 'encoding="ISO-8859-1"');
    const res = await fetch(`${t.gw.baseUrl}/OII/OII.asmx`, { method: 'POST', headers: { 'content-type': 'text/xml', soapaction: action('IciUser') }, body: Buffer.from(xml, 'latin1') });
    const a = readAnswer(res.status, await res.text());
    expect(a.fault).toMatchObject({ area: 1, error: 5 });
    expect(a.fault?.text).toBe('The request could not be read: encoding not supported: ISO-8859-1 (send UTF-8 or UTF-16)');
  });

  it('unsubscribe of what was never subscribed succeeds (idempotent, as CRM unsubscribes at logout whatever login left)', async () => {
    t.gw = await startGateway();
    const a = await post(t.gw, 'IciUser', envelope('<unsubscribe xmlns="urn:IciUserInterface"><appUrl>http://127.0.0.1:9/x</appUrl><appId>never</appId></unsubscribe>'));
    expect(a.fault).toBeUndefined();
    expect(a.body?.name).toBe('unsubscribeResponse');
  });

  it('an appUrl with credentials is refused (2/3) and never shown', async () => {
    t.gw = await startGateway();
    const a = await post(t.gw, 'IciUser', envelope('<subscribe xmlns="urn:IciUserInterface"><userId>HARRI</userId><appUrl>http://user:pw@127.0.0.1:9104/x</appUrl><appId>a1</appId></subscribe>'));
    expect(a.fault).toMatchObject({ area: 2, error: 3 });
    expect(a.text).not.toContain('pw@');
    const state = await fetch(`${t.gw.baseUrl}/api/v1/state`).then((r) => r.text());
    expect(state).not.toContain('user:pw');
  });

  it('every operation of every bean WSDL in wsdl/ici dispatches on OII.asmx as on its own .asmx (never 1/2)', async () => {
    t.gw = await startGateway();
    const dir = new URL('../../wsdl/ici/', import.meta.url);
    const files = readdirSync(dir).filter((f) => /^Ici\w+Service\.wsdl$/.test(f) && f !== 'IciEventService.wsdl');
    expect(files.length).toBe(BEANS.length);
    for (const file of files) {
      const bean = file.replace(/Service\.wsdl$/, '');
      const ops = new Set([...readFileSync(new URL(file, dir), 'utf8').matchAll(/<wsdl:operation name="(\w+)"/g)].map((m) => m[1] ?? ''));
      for (const op of ops) {
        const body = envelope(`<${op} xmlns="urn:${bean}Interface"/>`);
        const [viaOii, own] = [await post(t.gw, bean, body), await post(t.gw, bean, body, { path: `/OII/${bean}Service.asmx` })];
        const code = (a: typeof own) => (a.fault ? `${a.fault.area}/${a.fault.error}` : 'ok');
        expect(code(viaOii), `${bean}.${op}`).toBe(code(own));
        expect(code(viaOii), `${bean}.${op}`).not.toBe('1/2');
      }
    }
  });
});
