import { describe, expect, it } from 'vitest';
import { MAX_METADATA_ITEMS } from '../../src/store/index.js';
import { errorCode, openArchive, sample } from './helpers.js';

const items = (n: number, prefix = 'k'): { key: string; value: string }[] =>
  Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, value: String(i) }));

describe('metadata (seed 001 Metadata Command, Server API editMetadata)', () => {
  it('updates the same key and keeps the others (seed: custID=1000&balance=500, then balance=200)', () => {
    const a = openArchive();
    const r = a.create(sample());
    a.setMetadata(r.id, [
      { key: 'custID', value: '1000' },
      { key: 'balance', value: '500' },
    ]);
    const after = a.setMetadata(r.id, [{ key: 'balance', value: '200' }]);
    expect(after.metadata).toEqual([
      { key: 'balance', value: '200' },
      { key: 'custID', value: '1000' },
    ]);
  });

  it('keeps a key with an empty value ("key=" zeros it out) and removes a key given null (editMetadata empty data)', () => {
    const a = openArchive();
    const r = a.create(sample({ metadata: [{ key: 'custID', value: '1000' }, { key: 'balance', value: '500' }] }));
    expect(a.setMetadata(r.id, [{ key: 'balance', value: '' }]).metadata).toEqual([
      { key: 'balance', value: '' },
      { key: 'custID', value: '1000' },
    ]);
    expect(a.setMetadata(r.id, [{ key: 'balance', value: null }]).metadata).toEqual([{ key: 'custID', value: '1000' }]);
    // Removing a key that is not there changes nothing and is no error.
    expect(a.setMetadata(r.id, [{ key: 'nothing', value: null }]).metadata).toEqual([{ key: 'custID', value: '1000' }]);
  });

  it(`holds at most ${MAX_METADATA_ITEMS} items: a change that would exceed it is refused whole`, () => {
    const a = openArchive();
    const r = a.create(sample({ metadata: items(8) }));
    expect(a.setMetadata(r.id, items(2, 'x')).metadata).toHaveLength(10);
    // Updating existing keys at the limit is fine.
    expect(a.setMetadata(r.id, [{ key: 'k0', value: 'changed' }]).metadata).toHaveLength(10);
    // One new key too many, alongside an update and a removal: nothing of it happens.
    const before = a.get(r.id)!.metadata;
    expect(
      errorCode(() =>
        a.setMetadata(r.id, [
          { key: 'k1', value: 'lost' },
          { key: 'y0', value: '1' },
          { key: 'y1', value: '1' },
          { key: 'k2', value: null },
        ]),
      ),
    ).toBe('tooManyMetadata');
    expect(a.get(r.id)!.metadata).toEqual(before);
    // Removing one first makes room for one.
    expect(a.setMetadata(r.id, [{ key: 'k2', value: null }, { key: 'y0', value: '1' }]).metadata).toHaveLength(10);
    expect(errorCode(() => a.create(sample({ metadata: items(11) })))).toBe('tooManyMetadata');
  });

  it('treats hostile keys and values as plain data (parameterised SQL, no object properties)', () => {
    const a = openArchive();
    const r = a.create(sample());
    const hostile = [
      { key: '__proto__', value: '{"polluted":true}' },
      { key: 'constructor', value: 'x' },
      { key: "k'; DROP TABLE recording; --", value: "' OR '1'='1" },
      { key: 'toString', value: 'Robert"); DELETE FROM recording_metadata; --' },
      { key: 'ünïcødé ключ', value: '値 \u{1F600}' },
    ];
    const after = a.setMetadata(r.id, hostile);
    expect(after.metadata).toHaveLength(hostile.length);
    for (const h of hostile) expect(after.metadata).toContainEqual(h);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(a.count()).toBe(1);
    // Found again by exact key and value, and nothing else matches the injection-looking value.
    expect(a.search({ metadata: [{ key: "k'; DROP TABLE recording; --", value: "' OR '1'='1" }] }).recordings.map((x) => x.id)).toEqual([r.id]);
    expect(a.search({ metadata: [{ key: '__proto__', value: "' OR '1'='1" }] }).recordings).toEqual([]);
  });

  it('refuses malformed changes with invalidInput and changes nothing', () => {
    const a = openArchive();
    const r = a.create(sample({ metadata: [{ key: 'custID', value: '1' }] }));
    const bad: unknown[] = [
      { custID: '2' },
      [{ key: '', value: '2' }],
      [{ key: 'k'.repeat(65), value: '2' }],
      [{ key: 'custID', value: 'v'.repeat(1025) }],
      [{ key: 'custID', value: 2 }],
      [{ key: 'custID', value: 'a\0b' }],
      [{ key: 'custID', value: '2' }, { key: 'custID', value: '3' }],
      [null],
    ];
    for (const b of bad) expect(errorCode(() => a.setMetadata(r.id, b as never)), JSON.stringify(b)).toBe('invalidInput');
    expect(a.get(r.id)!.metadata).toEqual([{ key: 'custID', value: '1' }]);
    expect(errorCode(() => a.setMetadata(999, []))).toBe('unknownRecording');
  });

  it('compares keys exactly: callers map the configured spelling', () => {
    const a = openArchive();
    const r = a.create(sample());
    expect(a.setMetadata(r.id, [{ key: 'custID', value: '1' }, { key: 'custid', value: '2' }]).metadata).toHaveLength(2);
  });
});
