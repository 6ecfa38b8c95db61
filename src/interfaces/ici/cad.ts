/**
 * Item attached data of phone calls (seed 002 §7.2). A call's ICI attached data is one XML document kept in the core
 * call's attached data under the key `XML` (§7.2.1: "XML is a special key … it will contain the CAD in ICI XML
 * format"), so every interface sees what CRM set. Until CRM sets it (or deletes it, which leaves it empty), a call
 * that came through a queue carries the CAD OII generates: `<ItemAttachedData><Application id="SAP_BCM/OII">` (or
 * `ici.cadApplicationId`, OII.CADApplicationID) with FirstBNumber, FirstBName, BNumberName and OrigQueue, and the
 * optional keys `ici.extraDataWhenAllocated` lists (GUID, CALL_ID, FirstANumber, SIP_CALL_ID), plus CallRecording
 * once the call's recording file exists when `ici.callRecordingCad` is set.
 */
import type { CallView, Queue } from '../../core/index.js';
import { canonical, type NumberPlan } from './numbers.js';
import { esc, leaf } from './xml-out.js';

/** The core attached-data key holding the call's ICI XML document. */
export const CAD_KEY = 'XML';

/** Keys of ExtraDataWhenAllocated that ccgate can fill; the automatic ones are always written. */
export const OPTIONAL_CAD_KEYS = ['GUID', 'CALL_ID', 'FirstANumber', 'SIP_CALL_ID'] as const;
export type OptionalCadKey = (typeof OPTIONAL_CAD_KEYS)[number];

/** The optional keys a CEM ExtraDataWhenAllocated value names (e.g. "XML,FirstBName,FirstBNumber,SIP_CALL_ID"). */
export function optionalCadKeys(extraDataWhenAllocated: string): OptionalCadKey[] {
  const listed = new Set(extraDataWhenAllocated.split(',').map((k) => k.trim().toUpperCase()));
  return OPTIONAL_CAD_KEYS.filter((k) => listed.has(k.toUpperCase()));
}

export interface CadSettings {
  applicationId: string;
  optional: readonly OptionalCadKey[];
  plan: NumberPlan;
}

/** The queues a call went through, oldest first (FirstB…, OrigQueue, BNumberName). */
export type QueueTrail = readonly Queue[];

function attribute(value: string): string {
  return esc(value).replace(/"/g, '&quot;');
}

/** §7.2.1's document for a queue call; '' for a call that never reached a queue. */
export function generatedCad(call: CallView, trail: QueueTrail, s: CadSettings, recordingFile?: string): string {
  const first = trail[0];
  const current = trail[trail.length - 1];
  if (first === undefined || current === undefined) return recordingFile === undefined ? '' : wrap(s, leaf('CallRecording', recordingFile));
  const previous = trail.length > 1 ? trail[trail.length - 2] : current;
  // FirstBNumber is the queue's internal number as dialled (§7.2.1's examples: 101, 600), not the canonical form of
  // the event's number fields: the CAD is CRM's application data, which IC WebClient does not read as a number.
  let inner =
    leaf('FirstBNumber', first.address) +
    leaf('FirstBName', first.name) +
    leaf('BNumberName', current.name) +
    leaf('OrigQueue', (previous ?? current).name);
  for (const key of s.optional) {
    if (key === 'GUID') inner += leaf('GUID', call.id.toUpperCase());
    else if (key === 'CALL_ID') inner += leaf('CALL_ID', `CI_${call.reference}L`);
    else if (key === 'FirstANumber') inner += leaf('FirstANumber', canonical(call.parties.find((p) => p.role === 'caller')?.number, s.plan));
    else inner += leaf('SIP_CALL_ID', call.sipCallId);
  }
  if (recordingFile !== undefined) inner += leaf('CallRecording', recordingFile);
  return wrap(s, inner);
}

function wrap(s: CadSettings, inner: string): string {
  return `<ItemAttachedData><Application id="${attribute(s.applicationId)}">${inner}</Application></ItemAttachedData>`;
}

/** The call's ICI attached data: what CRM set (even empty: deleted), else the generated CAD. */
export function attachedData(call: CallView, generated: () => string): string {
  const set = call.attached[CAD_KEY];
  return set !== undefined ? set : generated();
}
