/**
 * The QM Server API's operations (seed 001 "API Operations") for an authenticated user: search, exportRecording,
 * exportProgressRequest, deleteRecording and editMetadata, each on the contacts in the user's scope. Requests are read
 * tolerantly (any prefix, `ccrid` for `ccrId`, any element order); answers are written as the seed's examples are.
 */
import type { ContactCenter } from '../../../core/index.js';
import type { MetadataChange, RecordingRecord } from '../../../store/index.js';
import { SoapFault, type SoapVersion } from '../../../soap/index.js';
import { children, type XmlElement } from '../../../xml/index.js';
import { validValue } from '../metadata.js';
import type { QmSettings, QmUser } from '../settings.js';
import { inScope } from './auth.js';
import type { Exports } from './exports.js';
import { ccrIdOf, clip, leaf, metadataItems, response, senderFault, single, type Operation } from './protocol.js';
import { search, writeCcr } from './search.js';

/** Export ids asked about in one exportProgressRequest, at most. */
const MAX_PROGRESS_IDS = 1000;
/** Longest id or key echoed in an answer (export ids are 24 digits; metadata keys at most 64 characters). */
const MAX_ECHOED = 64;

export interface OperationDeps {
  center: ContactCenter;
  settings: QmSettings;
  exports: Exports;
  /** Page size of a search (ciscoqm.pageSize). */
  pageSize: number;
}

export type MetadataState = 'success' | 'fieldDoesNotExist' | 'badFormat' | 'error';

/** Runs one operation for `user` and writes its response. @throws SoapFault (Sender) for a request it cannot serve. */
export function runOperation(deps: OperationDeps, user: QmUser, op: Operation, el: XmlElement, version: SoapVersion): string {
  switch (op) {
    case 'search': {
      const page = search(deps.center, deps.settings, user, el, deps.pageSize);
      let ccrs = '';
      for (const rec of page.contacts) ccrs += writeCcr(deps.settings, rec);
      if (page.truncationBoundaryId !== undefined) ccrs += leaf('truncationBoundaryId', page.truncationBoundaryId);
      return response(version, 'searchResponse', ccrs);
    }
    case 'exportRecording': {
      const rec = contact(deps, user, ccrIdOf(el));
      const mediatype = single(el, ['mediatype', 'mediaType'], true) ?? '';
      // A bounded queue (ciscoqm.maxQueuedExports, maxStoredExportBytes): beyond it the server cannot take the work
      // now; a Receiver fault (HTTP 500) tells the client to retry later, the request itself being sound.
      const busy = deps.exports.busy();
      if (busy !== undefined) throw new SoapFault({ code: 'Receiver', reason: `exportRecording cannot be taken now: ${busy}; retry later`, reasonCode: 'exportsBusy' });
      const still = rec.state !== 'stopped' ? 'the contact is still being recorded' : undefined;
      const id = deps.exports.begin(rec.id, deps.center.recordings.archive.audioPath(rec.id), mediatype, still);
      return response(version, 'exportRecordingResponse', leaf('id', id));
    }
    case 'exportProgress': {
      const ids = children(el, 'id').map((c) => c.text.trim());
      if (ids.length === 0) throw senderFault('exportProgressRequest needs at least one id');
      if (ids.length > MAX_PROGRESS_IDS) throw senderFault(`at most ${MAX_PROGRESS_IDS} ids at once`);
      // Each id is echoed in its progress: one that cannot be an export id (24 digits) is refused, not echoed whole.
      const long = ids.find((id) => id.length > MAX_ECHOED);
      if (long !== undefined) throw senderFault(`id ${clip(long)} is not an export id`);
      let progress = '';
      for (const id of ids) {
        const p = deps.exports.progress(id);
        progress += `<progress>${leaf('id', id)}${leaf('finished', p.finished)}${p.error === undefined ? '' : leaf('error', p.error)}</progress>`;
      }
      return response(version, 'exportProgressResponse', progress);
    }
    case 'deleteRecording': {
      const rec = contact(deps, user, ccrIdOf(el));
      // Seed 001: "Only contacts where all recording elements … have been uploaded can be deleted".
      if (rec.state !== 'stopped') throw senderFault(`contact ${rec.id} is still being recorded: it can be deleted once its recording is complete`);
      const fileDeleted = deps.center.recordings.deleteAudio(rec.id, 'audioDeleted');
      return response(version, 'deleteRecordingResponse', leaf('fileDeleted', fileDeleted));
    }
    case 'editMetadata': {
      const rec = contact(deps, user, ccrIdOf(el));
      const items = metadataItems(el);
      // Each key is echoed in its metadataState: one longer than any configured key (64) is refused, not echoed whole.
      const long = items.find((i) => i.key.length > MAX_ECHOED);
      if (long !== undefined) throw senderFault(`metadata key ${clip(long.key)} is longer than ${MAX_ECHOED} characters: no field has it`);
      const states = editMetadata(deps, rec, items);
      const written = states.map((s) => `<metadataState>${leaf('key', s.key)}${leaf('state', s.state)}</metadataState>`);
      return response(version, 'editMetadataResponse', written.join(''));
    }
  }
}

/**
 * The contact `id` if the user may see it. A contact outside the scope, or deleted by its agent ("not viewable"), is
 * answered as one that does not exist.
 */
function contact(deps: OperationDeps, user: QmUser, id: number): RecordingRecord {
  const rec = deps.center.recordings.archive.get(id);
  if (!rec || rec.retention === 'deleted' || !inScope(user, rec.agent?.userId)) throw senderFault(`no contact with id ${id}`);
  return rec;
}

/**
 * Seed 001 editMetadata: per item `success` (changed), `fieldDoesNotExist` (no such configured field), `badFormat`
 * (the field's format), or `error` (the contact's metadata was deleted, or the change would exceed 10 items). Empty
 * data removes the field. The successful changes are made together; data changes only where the state is success.
 */
export function editMetadata(deps: OperationDeps, rec: RecordingRecord, items: { key: string; data: string }[]): { key: string; state: MetadataState }[] {
  const states: { key: string; state: MetadataState }[] = [];
  const changes = new Map<string, MetadataChange>();
  const pending: number[] = [];
  for (const { key, data } of items) {
    const field = deps.settings.fields.find(key);
    if (!field) states.push({ key, state: 'fieldDoesNotExist' });
    else if (!validValue(field.type, data)) states.push({ key, state: 'badFormat' });
    else {
      changes.set(field.key, { key: field.key, value: data === '' ? null : data });
      pending.push(states.push({ key, state: 'success' }) - 1);
    }
  }
  if (changes.size > 0) {
    let ok = rec.retention === 'retained';
    if (ok) {
      try {
        deps.center.recordings.setMetadata(rec.id, [...changes.values()]);
      } catch {
        // More than ten items, or the metadata was deleted meanwhile: nothing changed.
        ok = false;
      }
    }
    if (!ok) for (const i of pending) (states[i] as { state: MetadataState }).state = 'error';
  }
  return states;
}
