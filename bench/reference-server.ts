/**
 * The floor the issue measures the server against: "a bare Hono + XState step + SQLite write".
 * One route, no authentication, no audit, no step rows or timers: read a case's snapshot, restore
 * the XState machine, send one event, write the new snapshot with a version check, answer JSON.
 * Run as a child of bench/server.ts, loaded the same way as the product server, so the two rates
 * are measured on the same machine by the same harness.
 *
 * Usage: node --import tsx bench/reference-server.ts <sqlite file> <cases>
 */
import { serve } from '@hono/node-server';
import Database from 'better-sqlite3';
import { Hono } from 'hono';
import { createMachine, getNextSnapshot } from 'xstate';

const [file, cases = '10000'] = process.argv.slice(2);
if (!file) throw new Error('usage: reference-server.ts <sqlite file> <cases>');

const db = new Database(file);
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec('create table cases (id text primary key, snapshot text not null, case_version integer not null)');

// Three steps in a cycle, like the thin-slice procedure's three user tasks.
const machine = createMachine({ id: 'case', initial: 'receive', states: { receive: { on: { COMPLETE: 'handle' } }, handle: { on: { COMPLETE: 'approve' } }, approve: { on: { COMPLETE: 'receive' } } } });
const initial = JSON.stringify(machine.resolveState({ value: 'receive', context: {} }));
const insert = db.prepare('insert into cases (id, snapshot, case_version) values (?, ?, 0)');
db.transaction(() => {
  for (let i = 0; i < Number(cases); i++) insert.run(`case-${i}`, initial);
})();

const read = db.prepare<[string], { snapshot: string; case_version: number }>('select snapshot, case_version from cases where id = ?');
const write = db.prepare('update cases set snapshot = ?, case_version = case_version + 1 where id = ? and case_version = ?');

const app = new Hono();
app.post('/cases/:id/advance', async (c) => {
  const { event } = await c.req.json<{ event: string }>();
  const id = c.req.param('id');
  const row = read.get(id);
  if (!row) return c.json({ code: 'NOT_FOUND' }, 404);
  const next = getNextSnapshot(machine, machine.resolveState(JSON.parse(row.snapshot) as { value: string; context: object }), { type: event });
  const written = write.run(JSON.stringify({ value: next.value, context: next.context }), id, row.case_version);
  if (written.changes !== 1) return c.json({ code: 'STALE_VERSION' }, 409);
  return c.json({ id, state: next.value, caseVersion: row.case_version + 1 });
});

const server = serve({ fetch: app.fetch, port: 0 }, (info) => console.log(`reference listening on http://localhost:${info.port}`));
process.on('SIGTERM', () => server.close(() => db.close()));
