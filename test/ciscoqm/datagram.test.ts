/** The QM Recording API datagram (seed 001, "Overview", "API Commands and Network Recording"), as a pure function. */
import { describe, expect, it } from 'vitest';
import { MAX_DATAGRAM_BYTES, parseDatagram } from '../../src/interfaces/ciscoqm/datagram.js';
import { validValue } from '../../src/interfaces/ciscoqm/metadata.js';

const read = (text: string, port: 'desktop' | 'network' = 'desktop') => parseDatagram(Buffer.from(text, 'utf8'), port);

describe('seed 001: the command datagram', () => {
  it('"command=tag", "command=TAG" and "COMMAND=Tag" are identical', () => {
    for (const text of ['command=tag', 'command=TAG', 'COMMAND=Tag']) expect(read(text)).toEqual({ ok: true, command: 'tag', pairs: [] });
  });

  it('network recording: "command=tag&sender_id=5000.1234"', () => {
    expect(read('command=tag&sender_id=5000.1234', 'network')).toEqual({ ok: true, command: 'tag', senderId: '5000.1234', pairs: [] });
  });

  it('"command=metadata&sender_id=5000.1234&key1=value1&key2=value2": sender_id first, then the data', () => {
    expect(read('command=metadata&sender_id=5000.1234&key1=value1&key2=value2', 'network')).toEqual({
      ok: true,
      command: 'metadata',
      senderId: '5000.1234',
      pairs: [
        { key: 'key1', value: 'value1' },
        { key: 'key2', value: 'value2' },
      ],
    });
  });

  it('keeps an empty value ("key=" zeros the value out) and drops the line end nc adds', () => {
    expect(read('command=metadata&custID=1000&balance=\n')).toEqual({ ok: true, command: 'metadata', pairs: [{ key: 'custID', value: '1000' }, { key: 'balance', value: '' }] });
  });

  it('sender_id must come right after the command on the network port and must be absent on the desktop port', () => {
    expect(read('command=tag', 'network')).toMatchObject({ ok: false, reason: 'missingSenderId' });
    expect(read('command=metadata&custID=1&sender_id=5000.1234', 'network')).toMatchObject({ ok: false, reason: 'senderIdNotAfterCommand' });
    expect(read('command=tag&sender_id=', 'network')).toMatchObject({ ok: false, reason: 'badSenderId' });
    expect(read('command=tag&sender_id=a b', 'network')).toMatchObject({ ok: false, reason: 'badSenderId' });
    expect(read('command=tag&sender_id=5000.1234', 'desktop')).toMatchObject({ ok: false, reason: 'senderIdOnDesktop' });
  });

  it('refuses what is not one command of the six, hostile keys, repeats, junk and oversize', () => {
    expect(read('command=record')).toMatchObject({ ok: false, reason: 'unknownCommand', command: 'record' });
    expect(read('sender_id=1&command=tag')).toMatchObject({ ok: false, reason: 'noCommand' });
    expect(read('hello')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(read('command=tag&=x')).toMatchObject({ ok: false, reason: 'malformed' });
    expect(read('command=metadata&__proto__=1')).toMatchObject({ ok: false, reason: 'reservedKey' });
    expect(read('command=metadata&Constructor=1')).toMatchObject({ ok: false, reason: 'reservedKey' });
    expect(read('command=metadata&custID=1&CUSTID=2')).toMatchObject({ ok: false, reason: 'duplicateKey' });
    expect(read('command=tag&command=delete')).toMatchObject({ ok: false, reason: 'duplicateKey' });
    expect(read('command=metadata')).toMatchObject({ ok: false, reason: 'noMetadata' });
    expect(read('')).toMatchObject({ ok: false, reason: 'empty' });
    expect(read('command=tag\u0007')).toMatchObject({ ok: false, reason: 'notText' });
    expect(parseDatagram(Buffer.from([0x63, 0xff, 0xfe, 0x00, 0x80]), 'desktop')).toMatchObject({ ok: false, reason: 'notText' });
    expect(read(`command=metadata&customer=${'x'.repeat(MAX_DATAGRAM_BYTES)}`)).toMatchObject({ ok: false, reason: 'oversized' });
    expect(read(`command=metadata${Array.from({ length: 70 }, (_, i) => `&k${i}=v`).join('')}`)).toMatchObject({ ok: false, reason: 'tooManyPairs' });
  });

  it('takes values literally: no percent or plus decoding (the seed defines none)', () => {
    expect(read('command=metadata&customer=A%20B+C')).toMatchObject({ ok: true, pairs: [{ key: 'customer', value: 'A%20B+C' }] });
  });
});

describe('seed 001: metadata value formats', () => {
  it('dates are yyyy-mm-dd calendar dates', () => {
    expect(validValue('date', '2008-04-19')).toBe(true);
    expect(validValue('date', '2024-02-29')).toBe(true);
    for (const bad of ['2008-4-19', '19.04.2008', '2008-02-30', '2026-02-29', '2026-13-01', '2026-00-10', '2026-04-31', 'one week before yesterday']) expect(validValue('date', bad), bad).toBe(false);
  });

  it('numbers may start with and contain a decimal point, not end with one, never a comma nor a sign', () => {
    for (const good of ['.30', '10.7', '2500']) expect(validValue('number', good), good).toBe(true);
    for (const bad of ['30.', '2,500', '1e5', '10.7.1', '-7', '-12.5', '+3', '', 'x']) expect(validValue('number', bad), bad).toBe(bad === '');
  });

  it('text has no reserved & or =; an empty value is always valid', () => {
    expect(validValue('text', 'Meikäläinen Oy, 3rd floor')).toBe(true);
    expect(validValue('text', 'R&D')).toBe(false);
    expect(validValue('text', 'a=b')).toBe(false);
    expect(validValue('text', '')).toBe(true);
  });
});
