import { describe, it, expect, vi } from 'vitest';
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { dryRun } from '../../../engine/runtime/dry-run.ts';
import { readProcedure } from '../../../engine/index.ts';
import { run as cli } from '../../../server/cli/dry-run.ts';
import { definitions, start, user, end, xor, and, service, callActivity, timerCatch, boundary, timer, race, messageCatch } from '../compile/ir.ts';

const root = join(dirname(new URL(import.meta.url).pathname), '../../..');

describe('dryRun', () => {
  it('should take the first outcome by default and the given one when asked', () => {
    const defs = definitions([start('S'), user('Check', { outcomes: ['accept', 'refuse'] }), xor('G', 'Refused'), end('Done'), end('Refused')],
      [['S', 'Check'], ['Check', 'G'], ['G', 'Done', 'outcome = "accept"'], ['G', 'Refused']]);
    expect(dryRun(defs)).toMatchObject({ completed: true, endEvent: 'Done', path: ['S', 'Check', 'G', 'Done'] });
    expect(dryRun(defs, { outcomes: { Check: 'refuse' } })).toMatchObject({ completed: true, endEvent: 'Refused' });
  });

  it('should use case variables in conditions', () => {
    const defs = definitions([start('S'), xor('G', 'Small'), user('Big'), user('Small'), end('E1'), end('E2')],
      [['S', 'G'], ['G', 'Big', 'amount > 100'], ['G', 'Small'], ['Big', 'E1'], ['Small', 'E2']]);
    expect(dryRun(defs, { variables: { amount: 500 } }).endEvent).toBe('E1');
    expect(dryRun(defs, { variables: { amount: 5 } }).endEvent).toBe('E2');
  });

  it('should fire timers only when nothing else can move', () => {
    const defs = definitions([start('S'), user('A'), boundary('T', 'A', timer()), end('E'), end('Late')],
      [['S', 'A'], ['A', 'E'], ['T', 'Late']]);
    expect(dryRun(defs).endEvent).toBe('E');
    const waiting = definitions([start('S'), timerCatch('Wait'), end('E')], [['S', 'Wait'], ['Wait', 'E']]);
    expect(dryRun(waiting)).toMatchObject({ completed: true, path: ['S', 'Wait', 'E'] });
  });

  it('should prefer the timer over an awaited message at an event-based gateway', () => {
    const defs = definitions([start('S'), race('R'), messageCatch('M', 'reply'), timerCatch('T'), end('Replied'), end('Expired')],
      [['S', 'R'], ['R', 'M'], ['R', 'T'], ['M', 'Replied'], ['T', 'Expired']]);
    expect(dryRun(defs).endEvent).toBe('Expired');
  });

  it('should complete a service task without handler at once, with a warning', () => {
    const defs = definitions([start('S'), service('Svc'), end('E')], [['S', 'Svc'], ['Svc', 'E']]);
    const result = dryRun(defs);
    expect(result.completed).toBe(true);
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'DRY_RUN_NO_HANDLER', severity: 'warning', elementId: 'Svc' }));
  });

  it('should run a called process from the same or an extra definitions model', () => {
    const child = definitions([start('CS'), user('CT'), end('CE')], [['CS', 'CT'], ['CT', 'CE']], { id: 'Child' });
    const parent = definitions([start('S'), callActivity('Call', 'Child'), end('E')], [['S', 'Call'], ['Call', 'E']], { id: 'Parent' });
    expect(dryRun(parent, { extraDefinitions: [child] })).toMatchObject({ completed: true, endEvent: 'E' });
    const missing = dryRun(parent);
    expect(missing.completed).toBe(false);
    expect(missing.diagnostics.map((d) => d.code)).toContain('CALLED_PROCESS_NOT_FOUND');
    expect(dryRun({ ...parent, processes: [...parent.processes, ...child.processes] }, { processId: 'Parent' }).completed).toBe(true);
  });

  it('should stop a loop by itself and report the marking', () => {
    const defs = definitions([start('S'), user('A', { outcomes: ['again', 'done'] }), xor('G', 'E'), end('E')],
      [['S', 'A'], ['A', 'G'], ['G', 'A', 'outcome = "again"'], ['G', 'E']]);
    const result = dryRun(defs, { maxSteps: 30 });
    expect(result.completed).toBe(false);
    expect(result.marking).toEqual(['A']);
    expect(result.diagnostics.map((d) => d.code)).toContain('DRY_RUN_LOOP');
    expect(dryRun(defs, { outcomes: { A: ['again', 'again', 'done'] } })).toMatchObject({ completed: true });
  });

  it('should stop on an unsound diagram with the soundness findings', () => {
    const defs = definitions([start('S'), xor('X'), user('A'), user('B'), and('Join'), end('E')],
      [['S', 'X'], ['X', 'A', 'a'], ['X', 'B'], ['A', 'Join'], ['B', 'Join'], ['Join', 'E']]);
    const result = dryRun(defs, { variables: { a: true } });
    expect(result.completed).toBe(false);
    expect(result.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['TOKEN_BOOKKEEPING', 'DRY_RUN_STUCK', 'DEADLOCK']));
    expect(result.marking).toEqual(['Join']);
  });

  it('should give the appointment from the calendar for a receipt instant', async () => {
    const { definitions: thin } = await readProcedure(readFileSync(join(root, 'processes/thin-slice/thin-slice.bpmn'), 'utf8'));
    const result = dryRun(thin, { receivedAt: '2026-03-02T09:00:00+07:00' });
    expect(result.completed).toBe(true);
    expect(Date.parse(result.appointment!)).toBe(Date.parse('2026-03-12T14:30:00+07:00'));
  });
});

describe('quytrinh dry-run', () => {
  async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
    let out = '';
    let err = '';
    const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => { out += String(chunk); return true; });
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => { err += String(chunk); return true; });
    try {
      return { code: await cli(args), out, err };
    } finally {
      stdout.mockRestore();
      stderr.mockRestore();
    }
  }
  const fixture = (name: string) => join(root, 'test/fixtures/bpmn', name);

  it('should print the path and exit 0 when the procedure reaches an end', async () => {
    const { code, out } = await capture([fixture('exclusive-gateway.part.bpmn'), '--outcomes', '{"Task_Review":["return","approve"]}', '--received', '2026-03-02T09:00:00+07:00']);
    expect(code).toBe(0);
    const printed = JSON.parse(out) as { completed: boolean; endEvent: string; path: string[]; appointment: string | null };
    expect(printed.completed).toBe(true);
    expect(printed.endEvent).toBe('End_Approved');
    expect(printed.path.filter((id) => id === 'Task_Review')).toHaveLength(2);
    expect(printed).toHaveProperty('appointment');
  });

  it('should exit 1 with the marking when it loops', async () => {
    const { code, out } = await capture([fixture('exclusive-gateway.part.bpmn'), '--outcomes', '{"Task_Review":"return"}']);
    expect(code).toBe(1);
    expect(JSON.parse(out).marking.length).toBeGreaterThan(0);
  });

  it('should run a called process given with --with and choose the process with --process', async () => {
    const nghean = join(root, 'processes/nghe-an-2.002755');
    const alone = await capture([join(nghean, 'nghe-an-2.002755.bpmn')]);
    expect(alone.code).toBe(1);
    const together = await capture([join(nghean, 'nghe-an-2.002755.bpmn'), '--with', join(nghean, 'nghe-an-2.002755-tinh.bpmn')]);
    expect(together.code).toBe(0);
    const child = await capture([fixture('call-activity.part.bpmn'), '--process', 'P_child']);
    expect(JSON.parse(child.out).endEvent).toBe('Child_End');
  });

  it('should exit 2 on unusable input', async () => {
    expect((await capture([])).code).toBe(2);
    expect((await capture([fixture('user-task.part.bpmn'), '--vars', '{not json'])).code).toBe(2);
    expect((await capture([fixture('user-task.part.bpmn'), '--received', 'yesterday'])).code).toBe(2);
    expect((await capture([join(root, 'no-such-file.bpmn')])).code).toBe(2);
  });
});
