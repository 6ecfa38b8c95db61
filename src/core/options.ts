/** The core's run-time options (timings, limits, simulated media addresses) and their defaults. */
import type { RecordingArchive } from '../store/index.js';
import type { Clock } from './clock.js';
import type { DomainEvent } from './events.js';

export interface CoreOptions {
  clock?: Clock;
  /** Seed for identifiers (reproducible tests and scenarios); random when absent. */
  seed?: number;
  /** Seconds an ACD call or item rings an agent before it goes back to the queue. */
  ringTimeoutSec?: number;
  /** Seconds a direct call rings a device before noAnswer forwarding applies. */
  noAnswerSec?: number;
  /** Default wrap-up (workingAfterCall) seconds after an ACD call; 0 = agent ends wrap-up. */
  wrapUpSec?: number;
  /** Milliseconds after which a called external party answers; negative = never (answered through the control API). */
  externalAnswerMs?: number;
  /** Milliseconds between a device dialling and the far end ringing (0 = at once). */
  deliveryDelayMs?: number;
  /** History records kept per device. */
  historyLimit?: number;
  /** Calls abandoned in queue sooner than this do not count against service level. */
  immediateAbandonMs?: number;
  /** Handling time (seconds) a queue's estimated wait assumes until it has handled contacts of its own. */
  defaultHandleSec?: number;
  /** Simulated media addresses. */
  media?: { gatewayIp?: string; gatewayPort?: number; mrsIp?: string; mrsPort?: number; phoneNet?: string };
  onListenerError?: (err: unknown, event: DomainEvent) => void;
  /**
   * The recordings archive (the gateway's, under CCGATE_DATA_DIR); its opener closes it. Without one the core opens
   * an in-memory archive on first use and closes it at shutdown (unit tests).
   */
  archive?: RecordingArchive;
  /** A recording the policy could not start (the archive failed); the answer it followed stands. */
  onRecordingError?: (err: unknown, callId: string) => void;
}

export interface ResolvedCoreOptions {
  ringTimeoutSec: number;
  noAnswerSec: number;
  wrapUpSec: number;
  externalAnswerMs: number;
  deliveryDelayMs: number;
  historyLimit: number;
  immediateAbandonMs: number;
  defaultHandleSec: number;
  gatewayIp: string;
  gatewayPort: number;
  mrsIp: string;
  mrsPort: number;
  phoneNet: string;
  archive: RecordingArchive | undefined;
  onRecordingError: (err: unknown, callId: string) => void;
}

export function resolveCoreOptions(opts: CoreOptions): ResolvedCoreOptions {
  return {
    ringTimeoutSec: opts.ringTimeoutSec ?? 20,
    noAnswerSec: opts.noAnswerSec ?? 30,
    wrapUpSec: opts.wrapUpSec ?? 10,
    externalAnswerMs: opts.externalAnswerMs ?? 2000,
    deliveryDelayMs: Math.max(0, opts.deliveryDelayMs ?? 0),
    historyLimit: opts.historyLimit ?? 500,
    immediateAbandonMs: opts.immediateAbandonMs ?? 5000,
    defaultHandleSec: opts.defaultHandleSec ?? 180,
    gatewayIp: opts.media?.gatewayIp ?? '10.0.0.1',
    gatewayPort: opts.media?.gatewayPort ?? 16384,
    mrsIp: opts.media?.mrsIp ?? '10.0.0.2',
    mrsPort: opts.media?.mrsPort ?? 40000,
    phoneNet: opts.media?.phoneNet ?? '10.0.1.',
    archive: opts.archive,
    onRecordingError: opts.onRecordingError ?? (() => {}),
  };
}
