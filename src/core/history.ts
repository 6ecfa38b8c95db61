/** Per-device history of calls and agent state changes (TelServices queryHistory), bounded per device. */
import type { HistoryRecord } from './model.js';

/** Records a device may hold beyond its limit before the oldest are dropped. */
const TRIM_BATCH = 64;

export interface HistoryFilter {
  deviceNumber?: string;
  userId?: string;
  recordType?: 'call' | 'agent' | 'all';
  /** Epoch ms, inclusive. */
  from?: number;
  /** Epoch ms, exclusive. */
  to?: number;
  /** Case-insensitive text in the other party's number or name. */
  search?: string;
  limit?: number;
}

export class History {
  private readonly byDevice = new Map<string, HistoryRecord[]>();

  constructor(private readonly limitPerDevice: number) {}

  add(rec: HistoryRecord): void {
    let list = this.byDevice.get(rec.deviceNumber);
    if (!list) {
      list = [];
      this.byDevice.set(rec.deviceNumber, list);
    }
    list.push(rec);
    // Trimmed in batches (a busy device adds records all day); queries never show more than the limit.
    if (list.length > this.limitPerDevice + TRIM_BATCH) list.splice(0, list.length - this.limitPerDevice);
  }

  /** Matching records, newest first; only call records unless `recordType` says otherwise. */
  query(filter: HistoryFilter = {}): HistoryRecord[] {
    const type = filter.recordType ?? 'call';
    const all = filter.deviceNumber ? [this.byDevice.get(filter.deviceNumber) ?? []] : [...this.byDevice.values()];
    const lists = all.map((l) => (l.length > this.limitPerDevice ? l.slice(l.length - this.limitPerDevice) : l));
    const search = filter.search?.toLowerCase();
    let out = lists
      .flat()
      .filter(
        (r) =>
          (type === 'all' || r.recordType === type) &&
          (!filter.userId || r.userId?.toUpperCase() === filter.userId.toUpperCase()) &&
          (filter.from === undefined || r.at >= filter.from) &&
          (filter.to === undefined || r.at < filter.to) &&
          (!search || (r.otherParty ?? '').toLowerCase().includes(search) || (r.otherName ?? '').toLowerCase().includes(search)),
      )
      .sort((a, b) => b.at - a.at || b.reference - a.reference);
    if (filter.limit !== undefined && filter.limit > 0) out = out.slice(0, filter.limit);
    return out;
  }

  clear(): void {
    this.byDevice.clear();
  }
}
