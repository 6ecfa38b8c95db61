/**
 * Ended work items are kept for late reads, but not for ever: past ENDED_ITEMS_KEPT ended items the oldest is
 * forgotten (a gateway routing work for months must not keep every item it ever saw); open items are never forgotten.
 */
import { describe, expect, it } from 'vitest';
import { ENDED_ITEMS_KEPT } from '../../src/core/items.js';
import { errorCode, makeCenter } from './helpers.js';

describe('ended items', () => {
  it('keeps the latest ENDED_ITEMS_KEPT ended items, forgets the oldest, and never an open one', () => {
    const { cc } = makeCenter();
    const open = cc.items.create({ channel: 'openmedia', queueId: '10', id: 'OPEN' });
    for (let i = 0; i <= ENDED_ITEMS_KEPT; i++) cc.items.cancel(cc.items.create({ channel: 'openmedia', queueId: '10', id: `OM-${i}` }).id, { ifAllocated: true });
    expect(cc.items.endedKept).toBe(ENDED_ITEMS_KEPT);
    // The first to end is gone (its id free again); the one after it and the last are still readable.
    expect(errorCode(() => cc.items.get('OM-0'))).toBe('unknownItem');
    expect(cc.items.get('OM-1').state).toBe('cancelled');
    expect(cc.items.get(`OM-${ENDED_ITEMS_KEPT}`).state).toBe('cancelled');
    expect(cc.items.get('OPEN')).toBe(open);
    expect(cc.items.create({ channel: 'openmedia', queueId: '10', id: 'OM-0' }).state).not.toBe('cancelled');
  });
});
