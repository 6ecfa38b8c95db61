/**
 * What a WCF service refuses, refused here too (om-findings 8): an Envelope outside SOAP 1.1's namespace is
 * VersionMismatch; an operation wrapper in another namespace, or a second Body element, is the formatter's
 * DeserializationFailed; members outside the data-contract namespace are not the members (WCF skips them); the
 * authentication headers count only in namespace `OpenMediaService`; a dateTime .NET cannot hold is refused.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { ACTION, addRequestXml, api, DC, endpoint, envelope, ivr, startGateway } from './helpers.js';

let gw: Gateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

async function post(g: Gateway, body: string, op = 'AddRequest'): Promise<{ status: number; code: string | undefined; text: string }> {
  const r = await fetch(endpoint(g), { method: 'POST', headers: { 'content-type': 'text/xml; charset=utf-8', soapaction: ACTION(op) }, body });
  const text = await r.text();
  return { status: r.status, code: /<faultcode[^>]*>([^<]*)<\/faultcode>/.exec(text)?.[1], text };
}

const items = async (g: Gateway) => ((await api(g, 'GET', '/api/v1/state')).json['items'] as unknown[]).length;
const GOOD = addRequestXml(`${ivr('Ticket', 'T')}<a:ServiceGroupID>10</a:ServiceGroupID>`);

describe('the SOAP endpoint refuses what WCF refuses (om-findings 8)', () => {
  it('envelope, wrapper, Body and media type: VersionMismatch, DeserializationFailed or 415, nothing created', async () => {
    gw = await startGateway();
    const bogus = await post(gw, `<s:Envelope xmlns:s="urn:bogus"><s:Body>${GOOD}</s:Body></s:Envelope>`);
    expect([bogus.status, bogus.code]).toEqual([500, 'soap:VersionMismatch']);
    const wrapper = await post(gw, envelope(GOOD.replace('xmlns="http://tempuri.org/"', 'xmlns="urn:x"')));
    expect(wrapper.code).toBe('a:DeserializationFailed');
    expect(wrapper.text).toMatch(/Expected to find node type 'Element' with name 'AddRequest' and namespace 'http:\/\/tempuri.org\/'. Found node type 'Element' with name 'AddRequest' and namespace 'urn:x'/);
    const two = await post(gw, envelope(`${GOOD}${GOOD}`));
    expect(two.code).toBe('a:DeserializationFailed');
    expect(two.text).toMatch(/The Body holds 2 elements/);
    const twoBodies = await post(gw, `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>${GOOD}</s:Body><s:Body>${GOOD}</s:Body></s:Envelope>`);
    expect(twoBodies.code).toBe('a:DeserializationFailed');
    expect(twoBodies.text).toMatch(/The Envelope holds 2 Body elements/);
    for (const type of ['application/xml', 'text/plain', '']) {
      const r = await fetch(endpoint(gw), { method: 'POST', headers: { 'content-type': type, soapaction: ACTION('AddRequest') }, body: envelope(GOOD) });
      expect([r.status, await r.text()], type).toEqual([415, '']);
    }
    expect(await items(gw)).toBe(0);
  });

  it('members outside the data-contract namespace are not read (AddRequest lacks its group); a year-0 QueueStartTime is refused', async () => {
    gw = await startGateway();
    const noNs = `<AddRequest xmlns="http://tempuri.org/"><request><IVRInfo><IVRInformation><Data>T</Data><Label>L</Label></IVRInformation></IVRInfo><ServiceGroupID>10</ServiceGroupID></request></AddRequest>`;
    const a = await post(gw, envelope(noNs));
    expect(a.code).toBe('soap:Client');
    expect(a.text).toMatch(/InvalidDataException/);
    const year0 = await post(gw, envelope(addRequestXml(`${ivr('L', 'D')}<a:QueueStartTime>0000-01-01T00:00:00</a:QueueStartTime><a:ServiceGroupID>10</a:ServiceGroupID>`)));
    expect(year0.code).toBe('a:DeserializationFailed');
    expect(year0.text).toMatch(/'0000-01-01T00:00:00' cannot be parsed as the type 'DateTime'/);
    expect(await items(gw)).toBe(0);
    // The same members in their namespace are read.
    const ok = await post(gw, envelope(noNs.replace('<request>', `<request xmlns:a="${DC}">`).replace(/<(\/?)(IVRInfo|IVRInformation|Data|Label|ServiceGroupID)>/g, '<$1a:$2>')));
    expect(ok.status).toBe(200);
  });

  it('with authentication on, LogonID and Password count only in namespace OpenMediaService', async () => {
    gw = await startGateway({ openmedia: { authentication: true, administrators: [{ logonId: 'hostadmin', password: 's3cret' }] } });
    const headers = (ns: string) => `<h:LogonID xmlns:h="${ns}">hostadmin</h:LogonID><h:Password xmlns:h="${ns}">s3cret</h:Password>`;
    for (const h of [headers('urn:x'), '<LogonID>hostadmin</LogonID><Password>s3cret</Password>']) {
      const a = await post(gw, envelope(GOOD, h));
      expect(a.text, h).toMatch(/InvalidUserFault/);
    }
    expect(await items(gw)).toBe(0);
    expect((await post(gw, envelope(GOOD, headers('OpenMediaService')))).status).toBe(200);
  });
});

describe('refusals name what is missing instead of leaving a blank (om-findings 11)', () => {
  it('no openMediaID, serviceGroupID or tenantID: the fault says none was given', async () => {
    gw = await startGateway();
    const q = (op: string, inner = '') => post(gw as Gateway, envelope(`<${op} xmlns="http://tempuri.org/">${inner}</${op}>`), op);
    expect((await q('GetOpenMediaRequestStatusByID')).text).toMatch(/<faultstring[^>]*>No OpenMediaID was given</);
    expect((await q('GetServiceGroupStatus')).text).toMatch(/<faultstring[^>]*>No ServiceGroupID was given</);
    expect((await q('GetServiceGroupStatus', '<serviceGroupID>77</serviceGroupID>')).text).toMatch(/<faultstring[^>]*>ServiceGroupID 77 is not a valid Open Media service group</);
    expect((await q('GetAllOpenMediaServiceGroupStatus')).text).toMatch(/<faultstring[^>]*>No TenantID was given</);
  });
});

describe('the README example is repeatable', () => {
  it('after POST /api/v1/reset (or a restart of the service) OpenMediaIDs start again from 1', async () => {
    gw = await startGateway();
    const add = async () => /<a:OpenMediaID>(\d+)</.exec((await post(gw as Gateway, envelope(GOOD))).text)?.[1];
    expect([await add(), await add()]).toEqual(['1', '2']);
    expect((await api(gw, 'POST', '/api/v1/reset')).status).toBe(200);
    expect(await add()).toBe('1');
    expect((await api(gw, 'POST', '/api/v1/openmedia/restart')).status).toBe(200);
    expect(await add()).toBe('1');
  });
});
