import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toDbInstant } from '../../server/storage/db.ts';
import { DIALECTS, createTestDb } from '../helpers/db.ts';
import type { TestDb } from '../helpers/db.ts';

for (const dialect of DIALECTS) {
  describe(`${dialect}: storage`, () => {
    let t: TestDb;
    beforeEach(async () => {
      t = await createTestDb(dialect);
    });
    afterEach(async () => {
      await t.dispose();
    });

    async function insertAudit(seq: number): Promise<void> {
      await t.db
        .insertInto('audit_events')
        .values({ case_id: 'c1', seq, type: 'case.received', at: toDbInstant('2026-01-05T08:00:00+07:00'), data: '{}', hash: `h${seq}`, prev_hash: null, actor: null, unit_id: null, element_id: null, step_key: null, request_id: null })
        .execute();
    }

    it('should refuse UPDATE on audit events', async () => {
      await insertAudit(1);
      await expect(t.db.updateTable('audit_events').set({ type: 'case.ended' }).execute()).rejects.toThrow(/append-only/);
      const rows = await t.db.selectFrom('audit_events').select('type').execute();
      expect(rows).toEqual([{ type: 'case.received' }]);
    });

    it('should refuse DELETE on audit events', async () => {
      await insertAudit(1);
      await expect(t.db.deleteFrom('audit_events').execute()).rejects.toThrow(/append-only/);
      expect(await t.db.selectFrom('audit_events').select('seq').execute()).toHaveLength(1);
    });

    it('should refuse two audit events at the same position of one chain', async () => {
      await insertAudit(1);
      await expect(insertAudit(1)).rejects.toThrow();
    });

    it('should order stored instants as time', async () => {
      const instants = ['2026-01-05T08:00:00+07:00', '2026-01-05T00:30:00Z', '2025-12-31T23:59:59.999+07:00'];
      for (const [i, at] of instants.entries()) {
        await t.db.insertInto('outbox').values({ topic: `t${i}`, payload: '{}', created_at: toDbInstant(at), next_attempt_at: toDbInstant(at), delivered_at: null, last_error: null }).execute();
      }
      const rows = await t.db.selectFrom('outbox').select('topic').orderBy('next_attempt_at').execute();
      expect(rows.map((r) => r.topic)).toEqual(['t2', 't1', 't0']);
    });
  });
}
