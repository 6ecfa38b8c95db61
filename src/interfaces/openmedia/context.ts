/** What every Open Media operation works with, and the checks every operation shares (seed fault tables). */
import type { ContactCenter } from '../../core/index.js';
import type { OmDirectory } from './directory.js';
import { invalidData, OmFault } from './faults.js';
import type { StatusCache } from './status.js';

/** The settings under `openmedia.*` the operations read. */
export interface OmSettings {
  /** Concurrent requests the site license allows (NoLicenseFault beyond it). */
  licenses: number;
  /** What SetOptions answers for out-of-range input: the contract's `InvalidDataException` or the document's `InvalidDataFault`. */
  setOptionsFault: 'InvalidDataException' | 'InvalidDataFault';
}

export interface OmContext {
  cc: ContactCenter;
  dir: OmDirectory;
  cache: StatusCache;
  settings: OmSettings;
}

/** Seed fault tables: "RouterDisconnectedFault: Thrown if the OpenMedia service is not connected to the router". */
export function assertRouter(ctx: OmContext): void {
  if (ctx.cc.isDown('router')) throw new OmFault('RouterDisconnectedFault', 'The Open Media service is not connected to the router');
}

/**
 * Seed "NoLicenseFault: Thrown if the OpenMedia site license could not be acquired". A new request needs one of the
 * `licenses` (`adding`); the other licensed operations need the site to have a license at all.
 */
export function assertLicense(ctx: OmContext, adding: boolean): void {
  const limit = ctx.settings.licenses;
  if (limit === 0 || (adding && ctx.cache.live >= limit)) {
    throw new OmFault('NoLicenseFault', `The Open Media site license could not be acquired (${limit} concurrent requests licensed)`);
  }
}

/** A text member within its seed limit (InvalidDataException beyond it). */
export function checkLength(name: string, value: string | null | undefined, max: number): void {
  if (value !== null && value !== undefined && value.length > max) throw invalidData(`${name} is longer than ${max} characters`);
}
