/**
 * Queries built and compiled once, then run with new values. Kysely builds an operation tree and
 * compiles it to SQL on every call, which on an advance cost more CPU than SQLite executing the
 * statements (bench/RESULTS.md "server"); the statements of the hot path are declared here once
 * with named parameters, compiled on first use per dialect, and run as compiled queries.
 */
import { CompiledQuery } from 'kysely';
import type { Compilable, Insertable } from 'kysely';
import type { Db, DbOrTx } from './db.ts';
import type { DatabaseSchema } from './schema.ts';

/** Where a run-time value goes: a named value, or a named value of row `row` of a multi-row query. */
class Slot {
  constructor(
    readonly name: string,
    readonly row: number | undefined,
  ) {}
}

/** Stands in for the values while the query is built: every property read is a slot of that name. */
function slotsOf<A>(row?: number): A {
  return new Proxy({}, { get: (_target, name) => new Slot(String(name), row) }) as A;
}

interface Compiled {
  readonly sql: string;
  readonly parameters: readonly unknown[];
}

/** The SQL text depends only on the dialect: compiled forms are kept per dialect adapter class. */
function dialectOf(executor: DbOrTx): object {
  return executor.getExecutor().adapter.constructor;
}

function bind(compiled: Compiled, values: unknown, rows?: readonly unknown[]): unknown[] {
  return compiled.parameters.map((p) => {
    if (!(p instanceof Slot)) return p;
    const source = (p.row === undefined ? values : rows![p.row]) as Record<string, unknown>;
    const value = source[p.name];
    // A missing value would bind as NULL silently; a wrong call must fail loudly instead.
    if (value === undefined) throw new Error(`prepared query: no value for "${p.name}"`);
    return value;
  });
}

/**
 * A query with named parameters, compiled once per dialect.
 *
 * @example
 * const stepOf = prepared<{ caseId: string; stepKey: string }, StepRow>((db, p) =>
 *   db.selectFrom('case_steps').selectAll().where('case_id', '=', p.caseId).where('step_key', '=', p.stepKey));
 * const [step] = await stepOf(trx, { caseId, stepKey });
 */
export function prepared<A, R>(build: (db: Db, params: A) => Compilable<R>): (executor: DbOrTx, values: A) => Promise<R[]> {
  const byDialect = new Map<object, Compiled>();
  return async (executor, values) => {
    const dialect = dialectOf(executor);
    let compiled = byDialect.get(dialect);
    if (!compiled) {
      compiled = build(executor as Db, slotsOf<A>()).compile();
      byDialect.set(dialect, compiled);
    }
    return (await executor.executeQuery<R>(CompiledQuery.raw(compiled.sql, bind(compiled, values)))).rows;
  };
}

/**
 * A multi-row INSERT into `table` of exactly `columns` (every row gives every column; null, never
 * undefined), compiled once per dialect and row count.
 *
 * @example
 * const insertOutbox = preparedInsert('outbox', ['topic', 'payload', 'created_at', 'next_attempt_at', 'delivered_at', 'last_error']);
 * await insertOutbox(trx, messages);
 */
export function preparedInsert<T extends keyof DatabaseSchema & string>(table: T, columns: readonly (keyof Insertable<DatabaseSchema[T]> & string)[]): (executor: DbOrTx, rows: readonly Insertable<DatabaseSchema[T]>[]) => Promise<void> {
  const byDialectAndCount = new Map<object, Map<number, Compiled>>();
  return async (executor, rows) => {
    if (rows.length === 0) return;
    const dialect = dialectOf(executor);
    let byCount = byDialectAndCount.get(dialect);
    if (!byCount) byDialectAndCount.set(dialect, (byCount = new Map()));
    let compiled = byCount.get(rows.length);
    if (!compiled) {
      const slotRows = Array.from({ length: rows.length }, (_, i) => Object.fromEntries(columns.map((column) => [column, new Slot(column, i)])));
      compiled = (executor as Db).insertInto(table).values(slotRows as never).compile();
      byCount.set(rows.length, compiled);
    }
    await executor.executeQuery(CompiledQuery.raw(compiled.sql, bind(compiled, undefined, rows)));
  };
}
