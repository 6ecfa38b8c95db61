/** Pure parts of ICI: the error table, numbers, the call status table, CAD, the answer check, the bean table. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CORE_ERROR_CODES } from '../../src/core/index.js';
import { optionalCadKeys } from '../../src/interfaces/ici/cad.js';
import { CALL_STATUS } from '../../src/interfaces/ici/call-status.js';
import { checkCrmAnswer } from '../../src/interfaces/ici/delivery.js';
import { CORE_TO_ICI, ICI_ERRORS } from '../../src/interfaces/ici/faults.js';
import { callIdOf, handleOf } from '../../src/interfaces/ici/items.js';
import { canonical, toCore } from '../../src/interfaces/ici/numbers.js';
import { BEANS, soapTable } from '../../src/interfaces/ici/protocol.js';
import { SoapDispatcher } from '../../src/soap/index.js';
import { ICI_HANDLERS } from '../../src/interfaces/ici/index.js';

const README = readFileSync('README.md', 'utf8');

describe('ICI error codes', () => {
  it('maps every core error code, and README documents every code ICI answers with', () => {
    for (const code of CORE_ERROR_CODES) expect(CORE_TO_ICI[code], code).toBeDefined();
    const rows = [...Object.values(CORE_TO_ICI), ...Object.values(ICI_ERRORS)];
    for (const r of rows) expect(README, `${r.areaCode}/${r.errorCode}`).toMatch(new RegExp(`\\| ${r.areaCode} \\| ${r.errorCode} \\|`));
    // One meaning per code: rows sharing area and code share their text.
    const byCode = new Map<string, string>();
    for (const r of rows) {
      const key = `${r.areaCode}/${r.errorCode}`;
      expect(byCode.get(key) ?? r.errorText, key).toBe(r.errorText);
      byCode.set(key, r.errorText);
    }
    expect(ICI_ERRORS.phoneNumberCharacters).toMatchObject({ areaCode: 5, errorCode: 2, errorText: 'Other characters than +1234567890 in phone number', errorRetry: false });
  });
});

describe('numbers (seed 002 §4.3.1 OII.IDD, OII.Country; §1.2)', () => {
  const plan = { idd: '00', country: '49', removePlusPrefix: false };
  it('writes every number as + and digits', () => {
    expect(canonical('001234567', plan)).toBe('+1234567');
    expect(canonical('01234567', plan)).toBe('+491234567');
    expect(canonical('+358 40 111', plan)).toBe('+35840111');
    expect(canonical('1101', plan)).toBe('+1101');
    expect(canonical('011555', { ...plan, idd: '011', country: '1' })).toBe('+555');
    expect(canonical(undefined, plan)).toBe('');
  });
  it('reads CRM\'s numbers back, internal ones to their extension; OII.RemovePlusPrefix dials without the +', () => {
    const internal = (n: string) => n === '1101';
    expect(toCore('+1101', plan, internal)).toBe('1101');
    expect(toCore('1101', plan, internal)).toBe('1101');
    expect(toCore('+35840111', plan, internal)).toBe('+35840111');
    expect(toCore('+4930123', { ...plan, removePlusPrefix: true }, internal)).toBe('030123');
    expect(toCore('+35840111', { ...plan, removePlusPrefix: true }, internal)).toBe('0035840111');
    expect(() => toCore('+49-30', plan, internal)).toThrow(/Other characters than \+1234567890/);
    expect(() => toCore('*21#', plan, internal)).toThrow(/Other characters/);
  });
  it('call handles are GUIDs without dashes, upper case, read in any case', () => {
    expect(handleOf('a163fdac-ee7a-476b-ab59-e15c81b6d4f2')).toBe('A163FDACEE7A476BAB59E15C81B6D4F2');
    expect(callIdOf('a163fdacee7a476bab59e15c81b6d4f2')).toBe('a163fdac-ee7a-476b-ab59-e15c81b6d4f2');
    expect(callIdOf('{A163FDAC-EE7A-476B-AB59-E15C81B6D4F2}')).toBe('a163fdac-ee7a-476b-ab59-e15c81b6d4f2');
    expect(() => callIdOf('A163')).toThrow();
  });
});

describe('tables', () => {
  it('table 10.12.3 as printed', () => {
    const rows = Object.values(CALL_STATUS).map((s) => `${s.id} ${s.description} ${s.capabilities.join(',')}`);
    expect(rows).toEqual([
      '1 Created 6,7,8,101,102,103',
      '2 New ',
      '3 Alerting 1,2,3',
      '4 Ended 5',
      '101 Connected 3,4,6,7,8,102,104,105,107,109,110',
      '102 Idle 6,7,8,101,102,103',
      '103 Dialing 102',
      '104 Ringing 102',
      '105 Busy 102',
      '106 Hold 4,6,7,8,102,103,104,105,108,109,110',
      '107 Held 4,6,7,8,102',
      '108 ConfereceOwner 4,6,7,8,102,106,107',
      '109 ConferenceParticipant 4,6,7,8,102,107',
      '110 Listened 112',
    ]);
  });

  it('every implemented operation has a handler; OII.asmx\'s table compiles with the beans\' shared elements', () => {
    for (const bean of BEANS) for (const op of bean.operations) if (op.availability === 'implemented') expect(ICI_HANDLERS[op.id], op.id).toBeTypeOf('function');
    expect(BEANS.map((b) => b.name)).toHaveLength(12);
    expect(() => new SoapDispatcher(soapTable(BEANS))).not.toThrow();
  });

  it('CAD optional keys from ExtraDataWhenAllocated', () => {
    expect(optionalCadKeys('XML,FirstBName,FirstBNumber')).toEqual([]);
    expect(optionalCadKeys('XML, FirstBName,FirstBNumber,SIP_CALL_ID,guid')).toEqual(['GUID', 'SIP_CALL_ID']);
  });
});

describe('CRM\'s answer to an event', () => {
  const fault = (retry: string) =>
    `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault><faultcode>s:Client</faultcode><faultstring>x</faultstring>` +
    `<detail><ns1:IciErrorCodes xmlns:ns1="urn:IciEventInterface"><areaCode>2</areaCode><errorCode>7</errorCode><errorText>no session</errorText><errorRetry>${retry}</errorRetry></ns1:IciErrorCodes></detail></s:Fault></s:Body></s:Envelope>`;
  const answer = (body: string, status = 200) => ({ status, body, headers: {} });
  it('delivered, retried or refused as errorRetry says', () => {
    expect(checkCrmAnswer(answer('<a:Envelope xmlns:a="x"><a:Body><userChangedResponse/></a:Body></a:Envelope>'))).toBe(true);
    expect(checkCrmAnswer(answer(fault('true')))).toBe('ICI fault 2/7: no session');
    expect(checkCrmAnswer(answer(fault('false')))).toEqual({ reason: 'ICI fault 2/7: no session', retry: false });
    expect(checkCrmAnswer(answer(fault('false').replace(/<detail>.*<\/detail>/, '').replace('s:Client', 's:Server'), 500))).toBe('SOAP fault Server');
    expect(checkCrmAnswer(answer('<s:Fault><faultcode>'))).toBe('unreadable SOAP fault');
  });
});
