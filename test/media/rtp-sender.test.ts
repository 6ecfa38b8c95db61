import { afterEach, describe, expect, it } from 'vitest';
import { partyVoice } from '../../src/media/audio.js';
import { MediaLimitError } from '../../src/media/errors.js';
import { RtpSender } from '../../src/media/rtp.js';
import { activeCount, listen, sleep } from './helpers.js';

describe('RtpSender', () => {
  const cleanups: (() => unknown)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0)) await c();
  });

  it('caps open streams with a typed MediaLimitError; reopening a key replaces its stream', async () => {
    const rx = await listen();
    cleanups.push(rx.close);
    const sender = new RtpSender({ maxStreams: 2 });
    cleanups.push(() => sender.closeAll());
    const opts = { target: { host: '127.0.0.1', port: rx.port }, source: partyVoice(0) };
    const a = sender.open('a', opts);
    sender.open('b', opts);
    expect(sender.active()).toBe(2);
    let err: unknown;
    try {
      sender.open('c', opts);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MediaLimitError);
    expect(err).toMatchObject({ code: 'limitExceeded', limit: 2 });
    const a2 = sender.open('a', opts);
    expect(a.state).toBe('stopped');
    expect(a2.state).toBe('running');
    expect(sender.active()).toBe(2);
    // A stream stopped on its own frees its slot.
    a2.stop();
    expect(sender.active()).toBe(1);
    expect(() => sender.open('c', opts)).not.toThrow();
    expect(sender.close('nope')).toBe(false);
  });

  it('closeAll stops every stream and leaves no timers', async () => {
    const rx = await listen();
    cleanups.push(rx.close);
    const timersBefore = activeCount('Timeout');
    const sender = new RtpSender({ maxStreams: 10 });
    const opts = { target: { host: '127.0.0.1', port: rx.port }, source: partyVoice(0) };
    const streams = ['x', 'y', 'z'].map((k) => sender.open(k, opts));
    await sleep(200);
    sender.closeAll();
    expect(sender.active()).toBe(0);
    expect(streams.every((s) => s.state === 'stopped')).toBe(true);
    await sleep(30);
    const stats = streams.map((s) => s.stats());
    const received = rx.received.length;
    expect(received).toBeGreaterThan(0);
    await sleep(150);
    expect(streams.map((s) => s.stats())).toEqual(stats);
    expect(rx.received.length).toBe(received);
    expect(activeCount('Timeout')).toBeLessThanOrEqual(timersBefore);
    // Usable again after closeAll: the shared socket reopens lazily.
    sender.open('again', opts);
    expect(sender.active()).toBe(1);
    sender.closeAll();
  });

  it('rejects a negative cap and a zero cap refuses every stream', () => {
    expect(() => new RtpSender({ maxStreams: -1 })).toThrow(RangeError);
    const none = new RtpSender({ maxStreams: 0 });
    const opts = { target: { host: '127.0.0.1', port: 9 }, source: partyVoice(0) };
    expect(() => none.open('a', opts)).toThrow(MediaLimitError);
  });
});
