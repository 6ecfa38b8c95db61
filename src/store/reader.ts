/**
 * The archive's searches on one connection: the page's ids by the planner's walk, then their rows; the match count;
 * the plan. Prepared statements are cached (least recently used out first), one per SQL text: the text depends only
 * on which criteria are present and on the page size (planner.ts), so a few dozen cover a running gateway. The caller
 * runs each call inside one read transaction (RecordingArchive), so a page's ids and rows come from one snapshot.
 */
import type { Database, Statement } from 'better-sqlite3';
import { countAll, pageIds, type CountFn } from './planner.js';
import type { Criteria, Paging } from './query.js';
import type { RecordingPage, RecordingSummary } from './types.js';

/** Most prepared search statements kept (one per combination of criteria present and page size). */
const STATEMENT_CACHE = 200;

export class Reader {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  /**
   * One page: `columns` (a select list over `recording AS r`) of the ids the planner's walk gives, `convert` making
   * entries of the rows (arrays, in id order).
   */
  page<T extends RecordingSummary>(c: Criteria, p: Paging, columns: string, convert: (rows: unknown[]) => T[]): RecordingPage<T> {
    const plan = pageIds(c, p, this.counter);
    const ids = this.column(plan.sql).all(...plan.params) as number[];
    const more = ids.length > p.limit;
    if (more) ids.pop();
    const dir = p.order === 'asc' ? 'ASC' : 'DESC';
    const sql = `SELECT ${columns} FROM recording r WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.id ${dir}`;
    const recordings = ids.length ? convert(this.rows(sql).all(JSON.stringify(ids))) : [];
    const last = ids[ids.length - 1];
    return more && last !== undefined ? { recordings, nextAfterId: last } : { recordings };
  }

  /** SQLite's EXPLAIN QUERY PLAN of the page's id walk, one step a line. */
  explain(c: Criteria, p: Paging): string[] {
    const plan = pageIds(c, p, this.counter);
    const steps = this.db.prepare(`EXPLAIN QUERY PLAN ${plan.sql}`).all(...plan.params) as { detail: string }[];
    return steps.map((s) => s.detail);
  }

  /** How many entries match. */
  count(c: Criteria): number {
    const plan = countAll(c, this.counter);
    return this.column(plan.sql).get(...plan.params) as number;
  }

  /** Runs the planner's bounded counts. */
  private readonly counter: CountFn = (sql, params) => this.column(sql).get(...params) as number;

  /** A cached statement that returns its first column only. */
  private column(sql: string): Statement {
    return this.stmt(`column:${sql}`, () => this.db.prepare(sql).pluck(true));
  }

  /** A cached statement that returns rows as arrays (see ROW_COLUMNS). */
  private rows(sql: string): Statement {
    return this.stmt(`raw:${sql}`, () => this.db.prepare(sql).raw(true));
  }

  private stmt(key: string, prepare: () => Statement): Statement {
    let s = this.statements.get(key);
    if (s) {
      // Least recently used goes first: re-insert on use.
      this.statements.delete(key);
    } else {
      s = prepare();
      if (this.statements.size >= STATEMENT_CACHE) this.statements.delete(this.statements.keys().next().value!);
    }
    this.statements.set(key, s);
    return s;
  }
}
