import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VN_CIVIL_SERVICE, createCalendar } from '../../engine/index.ts';
import type { CalendarSpec } from '../../engine/index.ts';
import { createApp } from '../../server/app.ts';
import { DEMO_PASSWORD } from '../../server/auth/demo.ts';
import { calendarStoreFor } from '../../server/services/calendars.ts';
import { createDb } from '../../server/storage/db.ts';
import { repoFile, startTestServer } from '../helpers/app.ts';
import type { TestServer } from '../helpers/app.ts';
import { DIALECTS, TEST_PG_URL } from '../helpers/db.ts';

const XML = repoFile('processes/thin-slice/thin-slice.bpmn');
const CIVIL = '/api/calendars/vn-civil-service';

/** Declares Wednesday 03/03/2027 a day off (as a 2027 notice). */
const DAY_OFF_2027 = {
  notice: '123/TB-BNV',
  issuer: 'Bộ Nội vụ',
  days: [{ date: '2027-03-03', working: false, reason: 'Nghỉ theo thông báo 123/TB-BNV (thử nghiệm)' }],
};

type App = ReturnType<typeof createApp>;

interface Caller {
  request(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string; type: string }>;
}

/** Logs in like the browser (cookie + CSRF header) and sends any method. */
async function callerOf(app: App, username: string): Promise<Caller> {
  const res = await app.request('/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: DEMO_PASSWORD }) });
  expect(res.status).toBe(200);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  return {
    async request(method, path, body) {
      const response = await app.request(path, { method, headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      return { status: response.status, text, type, body: /json/.test(type) && text ? JSON.parse(text) : text };
    },
  };
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: calendars over HTTP`, () => {
    let server: TestServer;
    let admin: Caller;
    let desk: Caller;
    beforeEach(async () => {
      server = await startTestServer(dialect, { now: '2027-03-01T08:00:00+07:00' });
      expect((await (await server.login('thietke')).postXml('/api/procedures', XML)).status).toBe(201);
      admin = await callerOf(server.app, 'admin');
      desk = await callerOf(server.app, 'motcua');
    });
    afterEach(async () => {
      await server.dispose();
    });

    async function receive(): Promise<any> {
      const res = await desk.request('POST', '/api/cases', { processId: 'thin-slice', applicant: { name: 'Trần Thị Bình' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(res.status, res.text).toBe(201);
      return res.body;
    }
    async function calendarChain(): Promise<{ type: string; actor: string | null; data: string }[]> {
      return server.db.db.selectFrom('audit_events').select(['type', 'actor', 'data']).where('case_id', '=', 'calendar:vn-civil-service').orderBy('seq').execute();
    }

    it('should list the built-in calendars, seeded into the table, to any user', async () => {
      const res = await desk.request('GET', '/api/calendars');
      expect(res.status).toBe(200);
      const names = res.body.map((c: { name: string }) => c.name);
      expect(names).toEqual(['vn-civil-service', 'vn-one-stop-saturday']);
      expect(res.body[0]).toMatchObject({ builtIn: true, version: 1, noticeYears: [2025, 2026] });
      const rows = await server.db.db.selectFrom('calendars').select(['name', 'base']).orderBy('name').execute();
      expect(rows).toEqual([{ name: 'vn-civil-service', base: null }, { name: 'vn-one-stop-saturday', base: 'vn-civil-service' }]);
    });

    it("should show a year's exceptional days with their notice", async () => {
      const res = await desk.request('GET', `${CIVIL}?year=2026`);
      expect(res.status).toBe(200);
      const saturday = res.body.days.find((d: { date: string }) => d.date === '2026-08-22');
      expect(saturday).toMatchObject({ working: true, notice: '9441/TB-BNV' });
      expect(res.body.notice.notice).toBe('9441/TB-BNV');
      expect((await desk.request('GET', '/api/calendars/no-such')).status).toBe(404);
      expect((await desk.request('GET', `${CIVIL}?year=20x6`)).body.code).toBe('VALIDATION');
    });

    it("should let an admin replace a year's overrides and audit the change", async () => {
      const res = await admin.request('PUT', `${CIVIL}/years/2027`, { ...DAY_OFF_2027, expectedVersion: 1 });
      expect(res.status, res.text).toBe(200);
      expect(res.body.calendar).toMatchObject({ version: 2, year: 2027, notice: { year: 2027, notice: '123/TB-BNV' } });
      expect(res.body.diff.added).toEqual([{ date: '2027-03-03', working: false, reason: DAY_OFF_2027.days[0]!.reason, notice: '123/TB-BNV' }]);

      const shown = await desk.request('GET', `${CIVIL}?year=2027`);
      expect(shown.body.days.find((d: { date: string }) => d.date === '2027-03-03')).toMatchObject({ working: false, notice: '123/TB-BNV' });
      // the other years' notices are kept
      expect(shown.body.noticeYears).toEqual([2025, 2026, 2027]);

      const chain = await calendarChain();
      expect(chain.map((e) => e.type)).toEqual(['calendar.changed']);
      expect(chain[0]!.actor).toBe('admin');
      expect(JSON.parse(chain[0]!.data)).toMatchObject({ calendar: 'vn-civil-service', year: 2027, notice: '123/TB-BNV', previousVersion: 1, version: 2, diff: { added: [{ date: '2027-03-03' }] } });

      // replacing the year again drops the day and a stale version is refused
      const replaced = await admin.request('PUT', `${CIVIL}/years/2027`, { notice: '124/TB-BNV', days: [], expectedVersion: 2 });
      expect(replaced.status, replaced.text).toBe(200);
      expect(replaced.body.diff.removed.map((d: { date: string }) => d.date)).toEqual(['2027-03-03']);
      const stale = await admin.request('PUT', `${CIVIL}/years/2027`, { ...DAY_OFF_2027, expectedVersion: 2 });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: 3 });
    });

    it('should refuse the change to anyone but an admin', async () => {
      for (const username of ['motcua', 'kiemsoat', 'thietke']) {
        const res = await (await callerOf(server.app, username)).request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027);
        expect(res.status).toBe(403);
        expect(res.body.code).toBe('FORBIDDEN');
      }
      const anonymous = await server.app.request(`${CIVIL}/years/2027`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(DAY_OFF_2027) });
      expect(anonymous.status).toBe(401);
      expect((await desk.request('GET', CIVIL)).body.version).toBe(1);
      expect(await calendarChain()).toEqual([]);
    });

    it('should refuse invalid data with problem+json and change nothing', async () => {
      const c = await receive();
      const attempts: [unknown, number, string][] = [
        [{ ...DAY_OFF_2027, days: [{ date: '2027-02-30', working: false, reason: 'Ngày không có thật' }] }, 422, 'DEADLINE_CALENDAR'],
        [{ ...DAY_OFF_2027, days: [{ date: '2026-03-03', working: false, reason: 'Sai năm' }] }, 422, 'DEADLINE_CALENDAR'],
        [{ ...DAY_OFF_2027, days: [{ date: '2027-03-03', working: true, hours: [['11:00', '08:00']], reason: 'Giờ ngược' }] }, 422, 'DEADLINE_CALENDAR'],
        [{ ...DAY_OFF_2027, breaks: [{ from: '2027-03-10', to: '2027-03-01', reason: 'Ngược' }] }, 422, 'DEADLINE_CALENDAR'],
        [{ days: DAY_OFF_2027.days }, 400, 'VALIDATION'],
        [{ ...DAY_OFF_2027, days: [{ date: '2027-03-03', working: 'no', reason: 'x' }] }, 400, 'VALIDATION'],
        [{ ...DAY_OFF_2027, surprise: true }, 400, 'VALIDATION'],
      ];
      for (const [body, status, code] of attempts) {
        const res = await admin.request('PUT', `${CIVIL}/years/2027`, body);
        expect(res.status, res.text).toBe(status);
        expect(res.type).toMatch(/application\/problem\+json/);
        expect(res.body.code).toBe(code);
        if (status === 422) expect(res.body.diagnostics.some((d: { severity: string }) => d.severity === 'error')).toBe(true);
      }
      expect((await admin.request('PUT', `${CIVIL}/years/1900`, DAY_OFF_2027)).status).toBe(400);
      expect((await admin.request('PUT', '/api/calendars/no-such/years/2027', DAY_OFF_2027)).status).toBe(404);

      const calendar = await desk.request('GET', `${CIVIL}?year=2027`);
      expect(calendar.body.version).toBe(1);
      expect(calendar.body.days.some((d: { date: string }) => d.date === '2027-03-03')).toBe(false);
      expect(await calendarChain()).toEqual([]);
      const after = await desk.request('GET', `/api/cases/${c.id}`);
      expect(after.body).toMatchObject({ caseVersion: c.caseVersion, appointmentAt: c.appointmentAt });
    });

    it('should push the due instants of an open case by one working day when a day off is declared', async () => {
      // given a case received Monday 01/03/2027 08:00, its first step done at 09:00
      const c = await receive();
      // 8.5 working days: Thursday 11/03/2027 13:30
      expect(c.appointmentAt).toBe('2027-03-11T06:30:00.000Z');
      server.clock.set('2027-03-01T09:00:00+07:00');
      const step = await desk.request('POST', `/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: c.caseVersion });
      expect(step.status, step.text).toBe(200);
      const handle = step.body.openSteps.find((s: { elementId: string }) => s.elementId === 'Task_Handle');
      // 7 working days from Monday 09:00: Wednesday 10/03/2027 09:00
      expect(handle.dueAt).toBe('2027-03-10T02:00:00.000Z');
      const versionBefore: number = step.body.caseVersion;
      // and a case received after the new day off, which it does not concern
      server.clock.set('2027-03-04T08:00:00+07:00');
      // (sessions expire over the days the clock jumps)
      desk = await callerOf(server.app, 'motcua');
      admin = await callerOf(server.app, 'admin');
      const later = await receive();

      // when the admin declares Wednesday 03/03/2027 a day off
      server.clock.set('2027-03-04T10:00:00+07:00');
      const changed = await admin.request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027);
      expect(changed.status, changed.text).toBe(200);
      expect(changed.body.recomputed).toEqual({ count: 1, cases: [{ caseId: c.id, code: c.code, previousAppointmentAt: '2027-03-11T06:30:00.000Z', appointmentAt: '2027-03-12T06:30:00.000Z', steps: 1 }] });

      // then the case and its open step are due one working day later, computed with the stored calendar
      const detail = await desk.request('GET', `/api/cases/${c.id}`);
      expect(detail.body).toMatchObject({ appointmentAt: '2027-03-12T06:30:00.000Z', dueAt: '2027-03-12T06:30:00.000Z', caseVersion: versionBefore + 1 });
      expect(detail.body.openSteps.find((s: { elementId: string }) => s.elementId === 'Task_Handle').dueAt).toBe('2027-03-11T02:00:00.000Z');
      const stored = (await server.db.db.selectFrom('calendars').select('spec').where('name', '=', 'vn-civil-service').executeTakeFirstOrThrow()).spec;
      const old = createCalendar(VN_CIVIL_SERVICE);
      const now = createCalendar(JSON.parse(stored) as CalendarSpec);
      expect(now.addNorm(c.effectiveStart, { amount: 8.5, unit: 'workingDays' }).toMillis()).toBe(Date.parse(detail.body.appointmentAt));
      expect(old.addNorm(c.appointmentAt, { amount: 1, unit: 'workingDays' }).toMillis()).toBe(Date.parse(detail.body.appointmentAt));

      // the deadline timers follow
      const overdue = await server.db.db.selectFrom('timers').select('due_at').where('case_id', '=', c.id).where('purpose', '=', 'overdue').where('fired_at', 'is', null).execute();
      expect(overdue).toEqual([{ due_at: '2027-03-12T06:30:00.000Z' }]);

      // the receipt slip shows the new appointment
      const receipt = await desk.request('GET', `/api/cases/${c.id}/documents/receipt`);
      expect(receipt.status).toBe(200);
      expect(receipt.text).toContain('13 giờ 30 phút, ngày 12 tháng 03 năm 2027');
      expect(receipt.text).not.toContain('ngày 11 tháng 03 năm 2027');

      // the audit records the recomputation and every chain still verifies
      const event = detail.body.history.find((e: { type: string }) => e.type === 'case.deadlineRecomputed');
      expect(event).toMatchObject({
        actor: 'admin',
        data: {
          calendar: 'vn-civil-service',
          notice: '123/TB-BNV',
          year: 2027,
          previousAppointmentAt: '2027-03-11T06:30:00.000Z',
          appointmentAt: '2027-03-12T06:30:00.000Z',
          steps: [{ elementId: 'Task_Handle', previousDueAt: '2027-03-10T02:00:00.000Z', dueAt: '2027-03-11T02:00:00.000Z' }],
        },
      });
      expect(JSON.parse((await calendarChain())[0]!.data)).toMatchObject({ recomputedCases: 1 });
      const verify = await admin.request('GET', '/api/audit/verify');
      expect(verify.body).toMatchObject({ ok: true });

      // the case received after the day off did not move
      const untouched = await desk.request('GET', `/api/cases/${later.id}`);
      expect(untouched.body).toMatchObject({ caseVersion: later.caseVersion, appointmentAt: later.appointmentAt });
      expect(untouched.body.history.some((e: { type: string }) => e.type === 'case.deadlineRecomputed')).toBe(false);

      // an advance with the version read before the change is stale
      const specialist = await callerOf(server.app, 'chuyenvien');
      const stale = await specialist.request('POST', `/api/cases/${c.id}/steps/${handle.stepKey}/complete`, { caseVersion: versionBefore });
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'STALE_VERSION', currentVersion: versionBefore + 1 });
      const fresh = await specialist.request('POST', `/api/cases/${c.id}/steps/${handle.stepKey}/complete`, { caseVersion: versionBefore + 1 });
      expect(fresh.status, fresh.text).toBe(200);

      // saving the same notice again moves nothing more
      const again = await admin.request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027);
      expect(again.body.recomputed.count).toBe(0);
    });

    it('should keep an appointment set by an apology letter and move only the open steps', async () => {
      const c = await receive();
      const apology = await desk.request('POST', `/api/cases/${c.id}/apology`, { reason: 'Cần xác minh thêm', newAppointmentAt: '2027-03-19T16:00:00+07:00', signedBy: 'Hoàng Văn Nam' });
      expect(apology.status, apology.text).toBe(200);
      // a day off before the first step's due instant (Monday 13:30)
      const changed = await admin.request('PUT', `${CIVIL}/years/2027`, { notice: '125/TB-BNV', days: [{ date: '2027-03-01', working: false, reason: 'Nghỉ (thử nghiệm)' }] });
      expect(changed.status, changed.text).toBe(200);
      const detail = await desk.request('GET', `/api/cases/${c.id}`);
      expect(detail.body).toMatchObject({ appointmentAt: '2027-03-19T09:00:00.000Z', caseVersion: apology.body.caseVersion + 1 });
      // half a working day (4 h) counted from Tuesday's opening instead: the whole morning, due 02/03/2027 11:30
      expect(detail.body.openSteps[0].dueAt).toBe('2027-03-02T04:30:00.000Z');
      const event = detail.body.history.find((e: { type: string }) => e.type === 'case.deadlineRecomputed');
      expect(event.data).not.toHaveProperty('appointmentAt');
      expect(event.data.steps).toEqual([{ stepKey: 'Task_Receive', elementId: 'Task_Receive', previousDueAt: c.openSteps[0].dueAt, dueAt: '2027-03-02T04:30:00.000Z' }]);
    });

    it('should never leave a due instant computed with the old calendar when cases advance during the change', async () => {
      const cases = [];
      for (let i = 0; i < 6; i++) cases.push(await receive());
      server.clock.set('2027-03-01T09:00:00+07:00');
      // every case advances (opening its next step) while the admin declares the day off
      const results = await Promise.all([
        admin.request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027),
        ...cases.map((c) => desk.request('POST', `/api/cases/${c.id}/steps/Task_Receive/complete`, { caseVersion: c.caseVersion })),
      ]);
      expect(results[0]!.status, results[0]!.text).toBe(200);
      for (const r of results.slice(1)) expect([200, 409], r.text).toContain(r.status);
      const stored = (await server.db.db.selectFrom('calendars').select('spec').where('name', '=', 'vn-civil-service').executeTakeFirstOrThrow()).spec;
      const calendar = createCalendar(JSON.parse(stored) as CalendarSpec);
      for (const c of cases) {
        const detail = (await desk.request('GET', `/api/cases/${c.id}`)).body;
        expect(Date.parse(detail.appointmentAt)).toBe(calendar.addNorm(c.effectiveStart, { amount: 8.5, unit: 'workingDays' }).toMillis());
        for (const step of detail.openSteps) {
          const norm = step.elementId === 'Task_Handle' ? 7 : 0.5;
          expect(Date.parse(step.dueAt), `${c.code} ${step.elementId}`).toBe(calendar.addNorm(Date.parse(step.openedAt) > Date.parse(c.effectiveStart) ? step.openedAt : c.effectiveStart, { amount: norm, unit: 'workingDays' }).toMillis());
        }
      }
      expect((await admin.request('GET', '/api/audit/verify')).body).toMatchObject({ ok: true });
    });

    it("should recompute a unit calendar's cases when its base changes a day the base rests anyway", async () => {
      // given a procedure on the one-stop calendar (Saturday mornings worked) beside one on the base
      const satXml = XML.replace('processRef="thin-slice"', 'processRef="thin-slice-sat"').replace('<bpmn:process id="thin-slice"', '<bpmn:process id="thin-slice-sat" qt:calendar="vn-one-stop-saturday"');
      expect((await (await server.login('thietke')).postXml('/api/procedures', satXml)).status).toBe(201);
      const sat = await desk.request('POST', '/api/cases', { processId: 'thin-slice-sat', applicant: { name: 'Lê Văn Cường' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      expect(sat.status, sat.text).toBe(201);
      // 8.5 working days with Saturday 06/03 morning worked: Thursday 11/03/2027 08:00
      expect(sat.body.appointmentAt).toBe('2027-03-11T01:00:00.000Z');
      const civil = await receive();

      // when the base calendar's notice closes the weekend of 06–07/03
      const changed = await admin.request('PUT', `${CIVIL}/years/2027`, { notice: '126/TB-BNV', breaks: [{ from: '2027-03-06', to: '2027-03-07', reason: 'Đợt nghỉ (thử nghiệm)' }] });
      expect(changed.status, changed.text).toBe(200);

      // then only the one-stop case moves, by the Saturday morning's four hours
      expect(changed.body.recomputed.cases.map((c: { caseId: string }) => c.caseId)).toEqual([sat.body.id]);
      expect((await desk.request('GET', `/api/cases/${sat.body.id}`)).body.appointmentAt).toBe('2027-03-11T06:30:00.000Z');
      expect((await desk.request('GET', `/api/cases/${civil.id}`)).body).toMatchObject({ appointmentAt: civil.appointmentAt, caseVersion: civil.caseVersion });
      expect(JSON.parse((await calendarChain())[0]!.data).affectedCalendars).toEqual(['vn-civil-service', 'vn-one-stop-saturday']);
    });

    it('should move the abandonment of a stopped clock and the remainder of a paused deadline', async () => {
      // given a pause-mode procedure whose dossier is abandoned 5 working days after a supplement request
      const pauseXml = XML.replace('processRef="thin-slice"', 'processRef="thin-slice-pause"')
        .replace('<bpmn:process id="thin-slice"', '<bpmn:process id="thin-slice-pause" qt:abandonAfter="5" qt:abandonAfterUnit="workingDays"')
        .replace('qt:supplementMode="restart"', 'qt:supplementMode="pause"');
      expect((await (await server.login('thietke')).postXml('/api/procedures', pauseXml)).status).toBe(201);
      const received = await desk.request('POST', '/api/cases', { processId: 'thin-slice-pause', applicant: { name: 'Đặng Thị Hạnh' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
      const c = received.body;
      server.clock.set('2027-03-01T10:00:00+07:00');
      const stopped = await desk.request('POST', `/api/cases/${c.id}/supplement-request`, { caseVersion: c.caseVersion, reason: 'Thiếu giấy tờ' });
      expect(stopped.status, stopped.text).toBe(200);
      const abandonAt = async () => (await server.db.db.selectFrom('timers').select('due_at').where('case_id', '=', c.id).where('purpose', '=', 'abandon').executeTakeFirstOrThrow()).due_at;
      // 5 working days after Monday 10:00
      expect(await abandonAt()).toBe('2027-03-08T03:00:00.000Z');

      // when 03/03 becomes a day off, the abandonment moves a working day later
      const first = await admin.request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027);
      expect(first.status, first.text).toBe(200);
      expect(await abandonAt()).toBe('2027-03-09T03:00:00.000Z');
      const event = (await desk.request('GET', `/api/cases/${c.id}`)).body.history.find((e: { type: string }) => e.type === 'case.deadlineRecomputed');
      expect(event.data).toMatchObject({ previousAbandonAt: '2027-03-08T03:00:00.000Z', abandonAt: '2027-03-09T03:00:00.000Z' });

      // and once resubmitted on Friday 08:00 (2 working hours already spent), a later day off moves the remainder
      server.clock.set('2027-03-05T08:00:00+07:00');
      desk = await callerOf(server.app, 'motcua');
      admin = await callerOf(server.app, 'admin');
      const version = (await desk.request('GET', `/api/cases/${c.id}`)).body.caseVersion;
      const resumed = await desk.request('POST', `/api/cases/${c.id}/resubmission`, { caseVersion: version });
      expect(resumed.status, resumed.text).toBe(200);
      const second = await admin.request('PUT', `${CIVIL}/years/2027`, { ...DAY_OFF_2027, days: [...DAY_OFF_2027.days, { date: '2027-03-10', working: false, reason: 'Nghỉ thêm (thử nghiệm)' }] });
      expect(second.status, second.text).toBe(200);
      const stored = (await server.db.db.selectFrom('calendars').select('spec').where('name', '=', 'vn-civil-service').executeTakeFirstOrThrow()).spec;
      const calendar = createCalendar(JSON.parse(stored) as CalendarSpec);
      const remaining = 8.5 * 8 * 60 - 120;
      const detail = (await desk.request('GET', `/api/cases/${c.id}`)).body;
      expect(Date.parse(detail.appointmentAt)).toBe(calendar.addNorm('2027-03-05T08:00:00+07:00', { amount: remaining / 60, unit: 'workingHours' }).toMillis());
      expect(Date.parse(detail.appointmentAt)).toBeGreaterThan(Date.parse(resumed.body.appointmentAt));
    });

    it('should apply two concurrent edits of one calendar one after the other', async () => {
      const c = await receive();
      const [a, b] = await Promise.all([
        admin.request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027),
        admin.request('PUT', `${CIVIL}/years/2028`, { notice: '200/TB-BNV', days: [{ date: '2028-03-03', working: false, reason: 'Nghỉ (thử nghiệm)' }] }),
      ]);
      expect([a.status, b.status], a.text + b.text).toEqual([200, 200]);
      const shown = await desk.request('GET', `${CIVIL}?year=2027`);
      expect(shown.body).toMatchObject({ version: 3, noticeYears: [2025, 2026, 2027, 2028] });
      expect((await calendarChain()).map((e) => JSON.parse(e.data).version)).toEqual([2, 3]);
      expect((await desk.request('GET', `/api/cases/${c.id}`)).body.appointmentAt).toBe('2027-03-12T06:30:00.000Z');
      expect((await admin.request('GET', '/api/audit/verify')).body).toMatchObject({ ok: true });
    });

    it('should preview a change with dryRun and store nothing', async () => {
      const c = await receive();
      const preview = await admin.request('PUT', `${CIVIL}/years/2027?dryRun=true`, DAY_OFF_2027);
      expect(preview.status, preview.text).toBe(200);
      expect(preview.body).toMatchObject({ dryRun: true, calendar: { version: 2 }, recomputed: { count: 1, cases: [{ caseId: c.id, appointmentAt: '2027-03-12T06:30:00.000Z' }] } });
      expect((await desk.request('GET', CIVIL)).body.version).toBe(1);
      expect((await desk.request('GET', `/api/cases/${c.id}`)).body).toMatchObject({ caseVersion: c.caseVersion, appointmentAt: c.appointmentAt });
      expect(await calendarChain()).toEqual([]);
      // the process still computes with the stored calendar
      expect((await receive()).appointmentAt).toBe(c.appointmentAt);
      const invalid = await admin.request('PUT', `${CIVIL}/years/2027?dryRun=true`, { ...DAY_OFF_2027, days: [{ date: '2027-02-30', working: false, reason: 'x' }] });
      expect(invalid.body.code).toBe('DEADLINE_CALENDAR');
      const created = await admin.request('POST', '/api/calendars?dryRun=true', { name: 'preview-only', base: 'vn-civil-service' });
      expect(created.status).toBe(200);
      expect((await desk.request('GET', '/api/calendars/preview-only')).status).toBe(404);
    });

    it('should receive new cases with the stored calendar', async () => {
      const store = calendarStoreFor(server.db);
      expect(store.engineCalendar(undefined).dayInfo('2027-03-03').working).toBe(true);
      expect((await admin.request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027)).status).toBe(200);
      const c = await receive();
      expect(c.appointmentAt).toBe('2027-03-12T06:30:00.000Z');
      // the engine's own calendar (design-time plans) follows too
      expect(store.engineCalendar(undefined).dayInfo('2027-03-03')).toMatchObject({ working: false, notice: '123/TB-BNV' });
      expect(store.engineCalendar('no-such').id).toBe('vn-civil-service');
    });

    it('should set the office hours of a unit calendar, not of a base calendar', async () => {
      const base = await admin.request('PUT', `${CIVIL}/weekly-hours`, { weeklyHours: { sat: [['07:30', '11:30']] } });
      expect(base.status).toBe(409);
      expect(base.body.code).toBe('NOT_ALLOWED');
      const unit = await admin.request('PUT', '/api/calendars/vn-one-stop-saturday/weekly-hours', { weeklyHours: { sat: [['07:30', '11:00']] } });
      expect(unit.status, unit.text).toBe(200);
      expect(unit.body.calendar.weeklyHours.sat).toEqual([['07:30', '11:00']]);
      expect(unit.body.calendar.weeklyHours.mon).toEqual([['07:30', '11:30'], ['13:00', '17:00']]);
      const none = await admin.request('PUT', '/api/calendars/vn-one-stop-saturday/weekly-hours', { weeklyHours: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [] } });
      expect(none.status).toBe(422);
      expect((await desk.request('GET', '/api/calendars/vn-one-stop-saturday')).body.version).toBe(2);
    });

    it('should create a unit calendar and recompute the cases of procedures that already name it', async () => {
      // given a procedure naming a calendar that does not exist yet (so it computes with the default)
      const unitXml = XML.replace('processRef="thin-slice"', 'processRef="thin-slice-unit"').replace('<bpmn:process id="thin-slice"', '<bpmn:process id="thin-slice-unit" qt:calendar="cb-motcua-sat"');
      expect((await (await server.login('thietke')).postXml('/api/procedures', unitXml)).status).toBe(201);
      const c = (await desk.request('POST', '/api/cases', { processId: 'thin-slice-unit', applicant: { name: 'Ngô Văn Dũng' }, channel: 'desk', unitId: 'CB-TTPVHCC' })).body;
      expect(c.appointmentAt).toBe('2027-03-11T06:30:00.000Z');
      const body = { name: 'cb-motcua-sat', displayName: 'Một cửa Cao Bằng (sáng thứ Bảy)', base: 'vn-civil-service', weeklyHours: { sat: [['07:30', '11:30']] } };
      expect((await desk.request('POST', '/api/calendars', body)).status).toBe(403);
      expect((await admin.request('POST', '/api/calendars', { ...body, base: 'no-such' })).body.code).toBe('DEADLINE_CALENDAR');

      // when the admin creates it with Saturday mornings
      const created = await admin.request('POST', '/api/calendars', body);
      expect(created.status, created.text).toBe(201);
      expect(created.body.calendar).toMatchObject({ name: 'cb-motcua-sat', base: 'vn-civil-service', version: 1, lineage: ['cb-motcua-sat', 'vn-civil-service'] });

      // then the open case counts Saturday 06/03 morning: due Thursday 11/03/2027 08:00
      expect(created.body.recomputed.count).toBe(1);
      expect((await desk.request('GET', `/api/cases/${c.id}`)).body.appointmentAt).toBe('2027-03-11T01:00:00.000Z');
      expect((await admin.request('POST', '/api/calendars', body)).status).toBe(409);
      const chain = await server.db.db.selectFrom('audit_events').select('data').where('case_id', '=', 'calendar:cb-motcua-sat').execute();
      expect(JSON.parse(chain[0]!.data)).toMatchObject({ created: true, version: 1, diff: { weeklyHours: { after: { sat: [['07:30', '11:30']] } } } });

      // and closing Saturdays again puts the appointment back
      const closed = await admin.request('PUT', '/api/calendars/cb-motcua-sat/weekly-hours', { weeklyHours: { sat: [] }, expectedVersion: 1 });
      expect(closed.status, closed.text).toBe(200);
      expect((await desk.request('GET', `/api/cases/${c.id}`)).body.appointmentAt).toBe('2027-03-11T06:30:00.000Z');
    });

    describe('the calendar a case runs on', () => {
      const FRIDAY_AFTERNOON = '2027-03-05T14:00:00+07:00';
      let specialist: Caller;
      beforeEach(async () => {
        // the one-stop desk works Saturday mornings; the specialist division keeps the default calendar
        server.clock.set(FRIDAY_AFTERNOON);
        admin = await callerOf(server.app, 'admin');
        desk = await callerOf(server.app, 'motcua');
        specialist = await callerOf(server.app, 'chuyenvien');
        const created = await admin.request('POST', '/api/calendars', { name: 'cb-motcua-sat', base: 'vn-civil-service', weeklyHours: { sat: [['07:30', '11:30']] } });
        expect(created.status, created.text).toBe(201);
        const unit = await admin.request('PATCH', '/api/units/CB-TTPVHCC', { calendar: 'cb-motcua-sat' });
        expect(unit.status, unit.text).toBe(200);
      });

      async function receiveAt(caller: Caller, unitId: string, processId = 'thin-slice'): Promise<any> {
        const res = await caller.request('POST', '/api/cases', { processId, applicant: { name: 'Vũ Thị Lan' }, channel: 'desk', unitId });
        expect(res.status, res.text).toBe(201);
        return res.body;
      }
      async function deployNamingCalendar(processId: string, calendar: string): Promise<void> {
        const xml = XML.replace('processRef="thin-slice"', `processRef="${processId}"`).replace('<bpmn:process id="thin-slice"', `<bpmn:process id="${processId}" qt:calendar="${calendar}"`);
        expect((await (await server.login('thietke')).postXml('/api/procedures', xml)).status).toBe(201);
      }
      const caseCalendar = async (id: string) => (await server.db.db.selectFrom('cases').select('calendar').where('id', '=', id).executeTakeFirstOrThrow()).calendar;

      it("should count a dossier on the receiving unit's calendar", async () => {
        const atDesk = await receiveAt(desk, 'CB-TTPVHCC');
        const atDivision = await receiveAt(specialist, 'CB-SYT-BTXH');

        // Received Friday 05/03/2027 14:00, before the 15:00 cut-off: the clock starts at once.
        // 8.5 working days = 68 h. Default calendar: Fri 3 h, Mon–Fri 08–12/03 40 h, Mon–Wed 15–17/03
        // 24 h (67 h), the last hour Thursday 18/03 07:30–08:30. With Saturday mornings: Fri 3 h, Sat
        // 06/03 4 h, Mon–Fri 40 h, Sat 13/03 4 h, Mon–Tue 15–16/03 16 h (67 h), the last hour
        // Wednesday 17/03 07:30–08:30: a working day earlier.
        expect(atDivision).toMatchObject({ effectiveStart: '2027-03-05T07:00:00.000Z', appointmentAt: '2027-03-18T01:30:00.000Z', calendar: null });
        expect(atDesk).toMatchObject({ effectiveStart: '2027-03-05T07:00:00.000Z', appointmentAt: '2027-03-17T01:30:00.000Z', calendar: 'cb-motcua-sat' });
        // The first step's half day (4 h): Fri 14:00–17:00, then one hour on Saturday 06/03 at the desk, on Monday 08/03 otherwise.
        expect(atDesk.openSteps[0].dueAt).toBe('2027-03-06T01:30:00.000Z');
        expect(atDivision.openSteps[0].dueAt).toBe('2027-03-08T01:30:00.000Z');
        expect(await caseCalendar(atDesk.id)).toBe('cb-motcua-sat');
        expect(await caseCalendar(atDivision.id)).toBeNull();

        // the calendar is the case's from receipt on: the unit leaving it later moves nothing
        expect((await admin.request('PATCH', '/api/units/CB-TTPVHCC', { calendar: null })).status).toBe(200);
        server.clock.set('2027-03-05T15:00:00+07:00');
        const done = await desk.request('POST', `/api/cases/${atDesk.id}/steps/Task_Receive/complete`, { caseVersion: atDesk.caseVersion });
        expect(done.status, done.text).toBe(200);
        expect(done.body).toMatchObject({ appointmentAt: '2027-03-17T01:30:00.000Z', calendar: 'cb-motcua-sat' });
        // 7 working days (56 h) from Friday 15:00 with Saturday mornings: Fri 2 h, Sat 4 h, Mon–Fri 40 h, Sat 4 h, Mon 15/03 6 h ends 15:00
        expect(done.body.openSteps.find((s: { elementId: string }) => s.elementId === 'Task_Handle').dueAt).toBe('2027-03-15T08:00:00.000Z');
      });

      it("should judge 'due soon' in the inbox on the case's calendar", async () => {
        const atDesk = await receiveAt(desk, 'CB-TTPVHCC');
        server.clock.set('2027-03-05T15:00:00+07:00');
        const done = await desk.request('POST', `/api/cases/${atDesk.id}/steps/Task_Receive/complete`, { caseVersion: atDesk.caseVersion });
        expect(done.status, done.text).toBe(200);
        // Task_Handle is due Monday 15/03/2027 15:00 (see above). On Friday 12/03 16:00 that is 11 working
        // hours away with the desk's Saturday morning (Fri 1 h, Sat 4 h, Mon 6 h), more than the one
        // working day of "due soon"; on the default calendar it would be 7 h, due soon.
        server.clock.set('2027-03-12T16:00:00+07:00');
        const inbox = await (await callerOf(server.app, 'chuyenvien')).request('GET', '/api/inbox');
        expect(inbox.status, inbox.text).toBe(200);
        const item = inbox.body.find((i: { caseId: string }) => i.caseId === atDesk.id);
        expect(item).toMatchObject({ elementId: 'Task_Handle', dueAt: '2027-03-15T08:00:00.000Z', timeliness: 'withinDeadline' });
      });

      it("should measure a step's working time in the step-time export on the case's calendar", async () => {
        const atDesk = await receiveAt(desk, 'CB-TTPVHCC');
        const atDivision = await receiveAt(specialist, 'CB-SYT-BTXH');
        // both first steps (the desk's lane in either case) completed Monday 08/03/2027 09:30; Friday's sessions have expired
        server.clock.set('2027-03-08T09:30:00+07:00');
        const deskOnMonday = await callerOf(server.app, 'motcua');
        for (const received of [atDesk, atDivision]) {
          const done = await deskOnMonday.request('POST', `/api/cases/${received.id}/steps/Task_Receive/complete`, { caseVersion: received.caseVersion });
          expect(done.status, done.text).toBe(200);
        }
        const exported = await (await callerOf(server.app, 'kiemsoat')).request('GET', '/api/audit/export?format=json&processId=thin-slice');
        expect(exported.status, exported.text).toBe(200);
        const minutesOf = (caseId: string) => exported.body.intervals.find((i: { caseId: string; elementId: string }) => i.caseId === caseId && i.elementId === 'Task_Receive').workingMinutes;
        // Fri 14:00–17:00 (3 h) + Mon 07:30–09:30 (2 h); at the desk also Saturday 07:30–11:30 (4 h)
        expect(minutesOf(atDivision.id)).toBe(5 * 60);
        expect(minutesOf(atDesk.id)).toBe(9 * 60);
      });

      it("should count a dossier on its procedure's calendar when the procedure names one", async () => {
        await deployNamingCalendar('thin-slice-civil', 'vn-civil-service');
        const c = await receiveAt(desk, 'CB-TTPVHCC', 'thin-slice-civil');
        // as at the division above: no Saturday counted
        expect(c).toMatchObject({ appointmentAt: '2027-03-18T01:30:00.000Z', calendar: 'vn-civil-service' });
        expect(await caseCalendar(c.id)).toBe('vn-civil-service');
      });

      it("should move the open cases of a unit when its calendar's office hours change, and only those", async () => {
        await deployNamingCalendar('thin-slice-civil', 'vn-civil-service');
        const atDesk = await receiveAt(desk, 'CB-TTPVHCC');
        const deskOnCivil = await receiveAt(desk, 'CB-TTPVHCC', 'thin-slice-civil');
        const atDivision = await receiveAt(specialist, 'CB-SYT-BTXH');

        // when the desk stops working Saturdays
        const changed = await admin.request('PUT', '/api/calendars/cb-motcua-sat/weekly-hours', { weeklyHours: { sat: [] }, expectedVersion: 1 });
        expect(changed.status, changed.text).toBe(200);

        // then its case is counted like the others: Thursday 18/03 08:30, its first step Monday 08/03 08:30
        expect(changed.body.recomputed).toEqual({ count: 1, cases: [{ caseId: atDesk.id, code: atDesk.code, previousAppointmentAt: '2027-03-17T01:30:00.000Z', appointmentAt: '2027-03-18T01:30:00.000Z', steps: 1 }] });
        const moved = (await desk.request('GET', `/api/cases/${atDesk.id}`)).body;
        expect(moved).toMatchObject({ appointmentAt: '2027-03-18T01:30:00.000Z', dueAt: '2027-03-18T01:30:00.000Z', caseVersion: atDesk.caseVersion + 1 });
        expect(moved.openSteps[0].dueAt).toBe('2027-03-08T01:30:00.000Z');
        const event = moved.history.find((e: { type: string }) => e.type === 'case.deadlineRecomputed');
        expect(event).toMatchObject({ actor: 'admin', data: { calendar: 'cb-motcua-sat', changedCalendar: 'cb-motcua-sat', calendarVersion: 2, previousAppointmentAt: '2027-03-17T01:30:00.000Z', appointmentAt: '2027-03-18T01:30:00.000Z' } });

        // and neither the desk's case on the civil-service procedure nor the division's case moved
        for (const c of [deskOnCivil, atDivision]) {
          const detail = (await desk.request('GET', `/api/cases/${c.id}`)).body;
          expect(detail).toMatchObject({ caseVersion: c.caseVersion, appointmentAt: c.appointmentAt });
          expect(detail.history.some((e: { type: string }) => e.type === 'case.deadlineRecomputed')).toBe(false);
        }
        expect((await admin.request('GET', '/api/audit/verify')).body).toMatchObject({ ok: true });
      });

      it('should move a case whose unit names a calendar that does not exist with the default calendar', async () => {
        // a unit naming a calendar nobody created yet: its cases run on the default
        expect((await admin.request('PATCH', '/api/units/CB-TTPVHCC', { calendar: 'not-yet-created' })).status).toBe(200);
        const c = await receiveAt(desk, 'CB-TTPVHCC');
        expect(c).toMatchObject({ appointmentAt: '2027-03-18T01:30:00.000Z', calendar: 'not-yet-created' });
        // when Monday 08/03/2027 becomes a day off on the default calendar, the appointment moves a working day
        const changed = await admin.request('PUT', `${CIVIL}/years/2027`, { notice: '127/TB-BNV', days: [{ date: '2027-03-08', working: false, reason: 'Nghỉ (thử nghiệm)' }] });
        expect(changed.status, changed.text).toBe(200);
        expect(changed.body.recomputed.cases.map((m: { caseId: string }) => m.caseId)).toContain(c.id);
        expect((await desk.request('GET', `/api/cases/${c.id}`)).body.appointmentAt).toBe('2027-03-19T01:30:00.000Z');
      });

      it('should keep a case received before cases kept their calendar on its procedure\'s', async () => {
        await deployNamingCalendar('thin-slice-sat', 'vn-one-stop-saturday');
        const c = await receiveAt(specialist, 'CB-SYT-BTXH', 'thin-slice-sat');
        expect(c).toMatchObject({ appointmentAt: '2027-03-17T01:30:00.000Z', calendar: 'vn-one-stop-saturday' });
        // as a row from before migration 0004 holds it
        await server.db.db.updateTable('cases').set({ calendar: null }).where('id', '=', c.id).execute();
        expect((await desk.request('GET', `/api/cases/${c.id}`)).body.calendar).toBe('vn-one-stop-saturday');
        const changed = await admin.request('PUT', '/api/calendars/vn-one-stop-saturday/weekly-hours', { weeklyHours: { sat: [] } });
        expect(changed.status, changed.text).toBe(200);
        expect(changed.body.recomputed.cases.map((m: { caseId: string }) => m.caseId)).toEqual([c.id]);
        expect((await desk.request('GET', `/api/cases/${c.id}`)).body.appointmentAt).toBe('2027-03-18T01:30:00.000Z');
      });
    });

    // Several instances share one database only on PostgreSQL; SQLite runs a single server.
    if (dialect === 'postgres') {
      it('should make another instance on the same database compute with the changed calendar', async () => {
        // a second server process: its own pool and in-memory calendars, the same schema
        const other = createDb(TEST_PG_URL, { schema: server.db.schema!, poolSize: 2 });
        try {
          const app = createApp({ db: other, clock: server.clock });
          const desk2 = await callerOf(app, 'motcua');
          const before = await desk2.request('POST', '/api/cases', { processId: 'thin-slice', applicant: { name: 'A' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
          expect(before.body.appointmentAt).toBe('2027-03-11T06:30:00.000Z');
          expect((await admin.request('PUT', `${CIVIL}/years/2027`, DAY_OFF_2027)).status).toBe(200);
          // the first instance recomputed the open case; the second computes new cases with the new day off
          expect((await desk2.request('GET', `/api/cases/${before.body.id}`)).body.appointmentAt).toBe('2027-03-12T06:30:00.000Z');
          const after = await desk2.request('POST', '/api/cases', { processId: 'thin-slice', applicant: { name: 'B' }, channel: 'desk', unitId: 'CB-TTPVHCC' });
          expect(after.body.appointmentAt).toBe('2027-03-12T06:30:00.000Z');
        } finally {
          await other.close();
        }
      });
    }
  });
}
