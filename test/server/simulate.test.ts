import { describe, expect, it } from 'vitest';
import { seedDemoHistory, simplifiedVersion, simulate } from '../../server/cli/simulate.ts';
import type { SimulationOptions } from '../../server/cli/simulate.ts';
import { repoFile } from '../helpers/app.ts';
import { DIALECTS, createTestDb } from '../helpers/db.ts';
import type { Dialect } from '../../server/storage/db.ts';
import type { TestDb } from '../helpers/db.ts';

const RUN: Omit<SimulationOptions, 'db'> = { cases: 24, from: '2026-03-02', to: '2026-03-27', seed: 11 };

/** The audit log without the random parts (row ids, case UUIDs, hashes over them): what a reviewer reads. */
async function auditLog(db: TestDb): Promise<string[]> {
  const rows = await db.db
    .selectFrom('audit_events as e')
    .innerJoin('cases as c', 'c.id', 'e.case_id')
    .select(['c.code', 'e.seq', 'e.type', 'e.at', 'e.actor', 'e.unit_id', 'e.element_id', 'e.step_key', 'e.data', 'e.request_id'])
    .orderBy('c.code')
    .orderBy('e.seq')
    .execute();
  return rows.map((r) => JSON.stringify(r));
}

async function run(options: Omit<SimulationOptions, 'db'>, dialect: Dialect = 'sqlite') {
  const db = await createTestDb(dialect);
  try {
    const summary = await simulate({ db, ...options });
    return { summary, log: await auditLog(db), statuses: await db.db.selectFrom('cases').select(['status_code', 'ended_at', 'clock_state']).execute() };
  } finally {
    await db.dispose();
  }
}

describe('quytrinh simulate', () => {
  it('should produce the same audit log twice for one seed, and a different one for another seed', async () => {
    // given two runs with the same seed and one with another
    const first = await run(RUN);
    const second = await run(RUN);
    const other = await run({ ...RUN, seed: 12 });

    // then the same seed gives the same history, event for event
    expect(first.log.length).toBeGreaterThan(RUN.cases * 4);
    expect(second.log).toEqual(first.log);
    expect(second.summary).toEqual(first.summary);
    // and another seed a different one
    expect(other.log).not.toEqual(first.log);
  }, 180_000);

  for (const dialect of DIALECTS) {
    it(`${dialect}: should give plausible statistics: every case ends, 80–100 % on time, the simplified version deployed half-way`, async () => {
      const { summary, log, statuses } = await run({ ...RUN, cases: 40, seed: 3 }, dialect);

      expect(summary.received).toBe(40);
      expect(summary.ended).toBe(40);
      expect(summary.open).toBe(0);
      expect(statuses.every((s) => s.ended_at !== null && [3, 7, 8, 9, 10].includes(s.status_code))).toBe(true);
      expect(summary.onTimeRate).toBeGreaterThanOrEqual(0.8);
      expect(summary.onTimeRate).toBeLessThanOrEqual(1);
      expect(summary.deployed).toContain('cao-bang-1-001806 v2');
      // every simulated applicant is labelled as such
      expect(log.filter((l) => l.includes('"case.received"')).every((l) => l.includes('[Mô phỏng]'))).toBe(true);
    }, 180_000);
  }

  it('should leave later work undone when stopped early, every open case in a valid status', async () => {
    // all dossiers arrive by 20/03; work stops on Monday 23/03 at 10:00
    const { summary, statuses } = await run({ ...RUN, cases: 20, seed: 5, to: '2026-03-20', until: '2026-03-23T10:00:00+07:00' });

    expect(summary.open).toBeGreaterThan(0);
    expect(summary.received).toBe(20);
    expect(summary.open + summary.ended).toBe(20);
    for (const s of statuses.filter((row) => row.ended_at === null)) {
      // 9 = processed, waiting for the result to be returned (outside the clock)
      expect([1, 2, 4, 5, 6, 9]).toContain(s.status_code);
      expect(s.clock_state).not.toBe('ended');
    }
  }, 180_000);
});

describe('seedDemoHistory', () => {
  it('should seed a labelled history into an empty database only, with recent cases still open', async () => {
    const db = await createTestDb('sqlite');
    try {
      const now = '2026-05-15T10:00:00+07:00';
      const summary = await seedDemoHistory(db, now);
      expect(summary?.received).toBe(40);
      expect(summary?.open).toBeGreaterThan(0);
      expect(summary?.ended).toBeGreaterThan(0);
      // the live procedures stay the published ones: no simulated second version
      expect(await db.db.selectFrom('procedure_versions').select('process_id').where('version', '>', 1).execute()).toEqual([]);
      // the simulated officers' API tokens no longer work
      const live = await db.db.selectFrom('api_tokens').select('id').where('revoked_at', 'is', null).execute();
      expect(live).toEqual([]);
      // a second start seeds nothing
      expect(await seedDemoHistory(db, now)).toBeUndefined();
      // (child cases of liên thông are rows of their own, linked to their parent)
      expect((await db.db.selectFrom('cases').select('id').where('parent_case_id', 'is', null).execute()).length).toBe(40);
      expect((await db.db.selectFrom('cases').select('id').execute()).length).toBe(40 + summary!.childCases);
    } finally {
      await db.dispose();
    }
  }, 180_000);
});

describe('simplifiedVersion', () => {
  it('should cut the published total by 20 % from the longest step', () => {
    const xml = repoFile('processes/cao-bang-1.001806/cao-bang-1.001806.bpmn');
    const simplified = simplifiedVersion(xml)!;

    expect(simplified).toContain('qt:deadline="8"');
    expect(simplified).toMatch(/id="Task_Handle"[^>]*qt:norm="5"/);
    expect(simplified).toContain('(phương án đơn giản hóa)');
    expect(xml).toMatch(/id="Task_Handle"[^>]*qt:norm="7"/);
  });
});
