/**
 * In-process Cisco QM for command tests: the default center in virtual time with the interface's Recording API parts
 * (settings from the fixture, the agents' workflows as the core's policy, call tracking), datagrams handed straight to
 * the protocol (no sockets: the wire is tested in udp.test.ts and by the independent client).
 */
import pino from 'pino';
import { Registry } from 'prom-client';
import type { ContactCenter, ManualClock } from '../../src/core/index.js';
import { AgentCalls } from '../../src/interfaces/ciscoqm/calls.js';
import { loadSettings } from '../../src/interfaces/ciscoqm/settings.js';
import { RecordingApi } from '../../src/interfaces/ciscoqm/udp.js';
import type { CommandOutcome } from '../../src/interfaces/ciscoqm/commands.js';
import { makeCenter } from '../core/helpers.js';
import { loadFixture } from '../../src/core/index.js';
import { DEFAULT_CENTER_FIXTURE } from '../../src/paths.js';

export interface QmWorld {
  cc: ContactCenter;
  clock: ManualClock;
  registry: Registry;
  /** A datagram on the network port (`sender_id` given in the text) or from a desktop address. */
  network(text: string): CommandOutcome;
  desktop(text: string, from?: string): CommandOutcome;
  /** An inbound call to an agent's extension, answered. */
  answered(extension: string): string;
}

/** The default center; `metadata` replaces its metadata fields (fixture `ciscoqm.metadata`). */
export function qmWorld(metadata?: { key: string; type: 'number' | 'text' | 'date' }[]): QmWorld {
  const { cc, clock } = makeCenter();
  const section = loadFixture(DEFAULT_CENTER_FIXTURE).ciscoqm as Record<string, unknown>;
  const settings = loadSettings(metadata ? { ...section, metadata } : section, cc, 'qmadmin');
  for (const a of settings.agents) cc.recordings.setPolicy(a.userId, a.workflow);
  const calls = new AgentCalls(cc);
  cc.bus.subscribe((e) => calls.onEvent(e));
  const registry = new Registry();
  const api = new RecordingApi({
    host: '127.0.0.1',
    desktopPort: 0,
    networkPort: 0,
    settings,
    commands: { center: cc, calls, fields: settings.fields },
    registry,
    logger: pino({ level: 'silent' }),
    batch: (fn) => cc.recordings.archive.batch(fn),
  });
  return {
    cc,
    clock,
    registry,
    network: (text) => api.handle(Buffer.from(text), '10.1.2.3', 'network'),
    desktop: (text, from = '127.0.0.1') => api.handle(Buffer.from(text), from, 'desktop'),
    answered(extension) {
      const call = cc.telephony.inbound('+35840111222', extension);
      cc.telephony.answer(extension);
      return call.id;
    },
  };
}
