/**
 * The pieces Telephony is made of, wired to each other once at construction (they call each other: delivery fails a
 * call through ending, ending releases the queue entry, …). Internal to calls/.
 */
import type { CallAcd } from './acd.js';
import type { CallControl } from './control.js';
import type { CallDelivery } from './delivery.js';
import type { CallEnding } from './ending.js';
import type { Monitors } from './monitoring.js';
import type { Recordings } from '../recording/recordings.js';
import type { CallRegistry } from './registry.js';

export interface CallParts {
  reg: CallRegistry;
  delivery: CallDelivery;
  acd: CallAcd;
  ending: CallEnding;
  control: CallControl;
  recordings: Recordings;
  monitors: Monitors;
}
