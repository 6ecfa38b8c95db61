/**
 * Issue 11 check, part 1, with the independent client (client.ts): the seed's commands by UDP during and after calls,
 * then search (criteria ANDed, paging), edit metadata with good, bad and unknown keys, and delete, each answer checked
 * against seed 001's rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Gateway } from '../../src/gateway.js';
import { QmCommands, QmServerClient } from './client.js';
import { startQm, World } from './gateway.js';

let gw: Gateway;
let world: World;
let udp: QmCommands;
let qm: QmServerClient;
let sent = 0;
let harriCall = '';
let annaCall = '';

async function command(port: number, text: string | Buffer): Promise<void> {
  await udp.send(port, text);
  sent += 1;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setImmediate(r));
}

beforeAll(async () => {
  gw = await startQm({ pageSize: 2 });
  world = new World(gw.baseUrl);
  udp = new QmCommands(gw.baseUrl);
  qm = new QmServerClient(gw.baseUrl, 'qmadmin', 'qmadmin');
  const net = gw.ctx.ports.qmNetwork;
  const desk = gw.ctx.ports.qmDesktop;
  // HARRI's call (network recording, workflow all): metadata as the seed's example, a tag, then metadata after it.
  harriCall = await world.answeredCall('2001', 'HARRI');
  await command(net, 'command=metadata&sender_id=HARRI&custID=1000&balance=500');
  await command(net, 'command=metadata&sender_id=HARRI&balance=200');
  await command(desk, 'COMMAND=Tag\n');
  await udp.handled(sent);
  await world.hangup(harriCall);
  await command(net, 'command=metadata&sender_id=HARRI&customer=Acme&orderDate=2008-04-19&cardType=VISA');
  // ANNA's call: paused, resumed, then deleted; later commands have no effect.
  await world.ready('HARRI');
  annaCall = await world.answeredCall('1104', 'ANNA');
  await command(net, 'command=pause&sender_id=ANNA');
  await command(net, 'command=resume&sender_id=ANNA');
  await command(net, 'command=delete&sender_id=ANNA');
  await command(net, 'command=metadata&sender_id=ANNA&custID=5');
  await udp.handled(sent);
  await world.hangup(annaCall);
  // Junk: none of it changes anything, all of it is counted.
  for (const junk of [Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0xff]), 'command=record&sender_id=HARRI', 'command=metadata&sender_id=HARRI&__proto__=1', 'command=tag&sender_id=HARRI&sender_id=MAIJA', `command=metadata&sender_id=HARRI&customer=${'x'.repeat(5000)}`, 'command=tag'])
    await command(net, junk);
  await command(net, 'command=tag&sender_id=NOBODY');
  await command(desk, 'command=tag&sender_id=HARRI');
  await udp.handled(sent);
  // Three more calls for paging, by MAIJA and PEKKA.
  for (const [to, agent] of [['1102', 'MAIJA'], ['1103', 'PEKKA'], ['1102', 'MAIJA']] as const) {
    await world.ready(agent);
    await world.hangup(await world.answeredCall(to, agent));
  }
});

afterAll(async () => {
  udp?.close();
  await gw?.close();
});

describe('the seed\'s commands by UDP, then the Server API', () => {
  it('counts every datagram, applied, ignored and refused, and the gateway stays up', async () => {
    // Applied: 2 metadata, the desktop tag, the metadata after the call, pause, resume, delete. Ignored: metadata after
    // the delete, an unknown sender_id. Refused: the six junk datagrams and sender_id on the desktop port.
    expect(await udp.handledSoFar()).toEqual({ applied: 7, ignored: 2, rejected: 7 });
    const metrics = await (await fetch(`${gw.baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/ccgate_ciscoqm_datagrams_total\{port="network",command="unknown",outcome="rejected",reason="notText"\} 1/);
    expect(metrics).toMatch(/ccgate_ciscoqm_datagrams_total\{port="network",command="unknown",outcome="rejected",reason="duplicateKey"\} 1/);
    expect(metrics).toMatch(/ccgate_ciscoqm_datagrams_total\{port="desktop",command="tag",outcome="rejected",reason="senderIdOnDesktop"\} 1/);
    expect((await fetch(`${gw.baseUrl}/health`)).status).toBe(200);
  });

  it('finds HARRI\'s contact by its metadata (custID=1000, balance=200: the update), tagged, with the metadata sent after the call', async () => {
    const { ccrs } = await qm.searchAll('<metadata><key>custID</key><data>1000</data></metadata><metadata><key>balance</key><data>200</data></metadata><metadata><key>customer</key><data>Acme</data></metadata>');
    expect(ccrs).toHaveLength(1);
    expect(ccrs[0]).toMatchObject({ ANI: '+35840111222', DNIS: '2001', agentId: 'HARRI', username: 'HARRI', firstName: 'Harri', lastName: 'Virtanen', hasScreen: 'false' });
    expect(ccrs[0]?.startTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$/);
    expect((await qm.searchAll('<metadata><key>balance</key><data>500</data></metadata>')).ccrs).toEqual([]);
    // Encrypted metadata is never searchable (seed 001 "only unencrypted metadata can be searched").
    const encrypted = await qm.call(`<search xmlns="http://www.calabrio.com/qm/serverapi/schema"><metadata><key>cardType</key><data>VISA</data></metadata></search>`);
    expect(encrypted.status).toBe(400);
    expect(encrypted.fault?.reason).toMatch(/encrypted/);
  });

  it('ANDs the criteria and pages by truncationBoundaryId until it is absent', async () => {
    const all = await qm.searchAll('');
    // Five calls recorded by their agents' workflow; ANNA deleted hers, so it is not viewable.
    expect(all.ccrs.map((c) => c.agentId)).toEqual(['HARRI', 'MAIJA', 'PEKKA', 'MAIJA']);
    expect(all.pages).toBe(2);
    const first = await qm.search('');
    expect(first.ccrs).toHaveLength(2);
    expect(first.truncationBoundaryId).toBe(first.ccrs[1]?.id);
    const ids = all.ccrs.map((c) => Number(c.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    expect((await qm.searchAll('<agentId>MAIJA</agentId><DNIS>1102</DNIS>')).ccrs).toHaveLength(2);
    expect((await qm.searchAll('<agentId>MAIJA</agentId><DNIS>2001</DNIS>')).ccrs).toHaveLength(0);
    expect((await qm.searchAll('<ANI>+35840111222</ANI><after>2000-01-01T00:00:00+00:00</after><before>2999-01-01T00:00:00Z</before>')).ccrs).toHaveLength(4);
    expect((await qm.searchAll('<after>2999-01-01T00:00:00+00:00</after>')).ccrs).toHaveLength(0);
  });

  it('kept ANNA\'s deleted call as a contact record without audio or metadata, hidden from QM', async () => {
    const hidden = (await world.json('GET', `/api/v1/recordings?callId=${annaCall}`))['recordings'] as { retention: string; metadata: unknown[]; segments: unknown[] }[];
    expect(hidden).toHaveLength(1);
    expect(hidden[0]).toMatchObject({ retention: 'deleted', metadata: [] });
    expect(hidden[0]?.segments).toHaveLength(2);
    expect((await qm.searchAll('<agentId>ANNA</agentId>')).ccrs).toEqual([]);
  });

  it('edits metadata: success, badFormat and fieldDoesNotExist per key; only success changes data; empty data removes', async () => {
    const [maija] = (await qm.searchAll('<agentId>MAIJA</agentId>')).ccrs;
    const states = await qm.editMetadata(maija!.id, [['customer', '24816'], ['orderDate', 'one week before yesterday'], ['dne', 'some data'], ['BALANCE', '2,500'], ['balance', '.30']]);
    expect(states).toEqual([
      { key: 'customer', state: 'success' },
      { key: 'orderDate', state: 'badFormat' },
      { key: 'dne', state: 'fieldDoesNotExist' },
      { key: 'BALANCE', state: 'badFormat' },
      { key: 'balance', state: 'success' },
    ]);
    expect((await qm.searchAll('<metadata><key>customer</key><data>24816</data></metadata><metadata><key>balance</key><data>.30</data></metadata>')).ccrs.map((c) => c.id)).toEqual([maija!.id]);
    expect(await qm.editMetadata(maija!.id, [['customer', '']])).toEqual([{ key: 'customer', state: 'success' }]);
    expect((await qm.searchAll('<metadata><key>customer</key><data>24816</data></metadata>')).ccrs).toEqual([]);
  });

  it('deletes a recording\'s audio (fileDeleted true, then false); the contact is still found, without audio', async () => {
    const [pekka] = (await qm.searchAll('<agentId>PEKKA</agentId>')).ccrs;
    await until(async () => (await qm.searchAll('<agentId>PEKKA</agentId>')).ccrs[0]?.hasAudio === 'true');
    expect(await qm.deleteRecording(pekka!.id)).toBe('true');
    expect(await qm.deleteRecording(pekka!.id)).toBe('false');
    expect((await qm.searchAll('<agentId>PEKKA</agentId>')).ccrs).toMatchObject([{ id: pekka!.id, hasAudio: 'false' }]);
    expect(await qm.editMetadata(pekka!.id, [['custID', '1']])).toEqual([{ key: 'custID', state: 'error' }]);
  });

  it('answers a bad request with a SOAP 1.2 Sender fault (HTTP 400) and no header', async () => {
    for (const bad of ['<search xmlns="http://www.calabrio.com/qm/serverapi/schema"><colour>red</colour></search>', '<search xmlns="http://www.calabrio.com/qm/serverapi/schema"><after>yesterday</after></search>', '<search xmlns="http://www.calabrio.com/qm/serverapi/schema"><ANI>1</ANI><ANI>2</ANI></search>', '<deleteRecording xmlns="http://www.calabrio.com/qm/serverapi/schema"><ccrId>999999</ccrId></deleteRecording>', '<exportRecording xmlns="http://www.calabrio.com/qm/serverapi/schema"><ccrId>x</ccrId><mediatype>WAV</mediatype></exportRecording>', '<frobnicate xmlns="http://www.calabrio.com/qm/serverapi/schema"/>']) {
      const a = await qm.call(bad);
      expect(a.status, bad).toBe(400);
      expect(a.fault?.code, bad).toMatch(/Sender$/);
      expect(a.hasHeader).toBe(false);
    }
  });
});
