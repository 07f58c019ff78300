/** `quytrinh validate` end to end, through the real bin script (tsx, no build step). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ERROR_FIXTURES = join(ROOT, 'test', 'fixtures', 'bpmn', 'error');

function quytrinh(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'quytrinh.js'), 'validate', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

function writeTemp(name: string, content: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'quytrinh-validate-')), name);
  writeFileSync(path, content);
  return path;
}

const VALID = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:qt="https://quytrinh.dev/schema/bpmn/1.0" id="D">
  <bpmn:process id="P" name="Chứng thực bản sao" isExecutable="true" qt:deadline="1" qt:deadlineUnit="workingDays">
    <bpmn:startEvent id="S" /><bpmn:sequenceFlow id="F1" sourceRef="S" targetRef="T" />
    <bpmn:userTask id="T" name="Chứng thực" />
    <bpmn:sequenceFlow id="F2" sourceRef="T" targetRef="E" /><bpmn:endEvent id="E" />
  </bpmn:process>
</bpmn:definitions>`;

describe('quytrinh validate', { timeout: 60_000 }, () => {
  it('should exit 0 for a valid procedure and print its warnings as text', () => {
    const { status, stdout } = quytrinh(writeTemp('valid.bpmn', VALID));
    expect(status).toBe(0);
    expect(stdout).toContain('warning STEP_NO_NORM T: Step "Chứng thực" (T) has no norm');
    expect(stdout).toMatch(/valid.bpmn: valid with 2 warning\(s\)\n$/);
  });

  it('should exit 1 and print "error CODE elementId: message" for an invalid procedure', () => {
    const { status, stdout } = quytrinh(join(ERROR_FIXTURES, 'missing-start-event.bpmn'));
    expect(status).toBe(1);
    expect(stdout).toContain('error MISSING_START Process_1: The process "Process_1" has no start event.');
    expect(stdout).toMatch(/invalid: 1 error\(s\)/);
  });

  it('should print { file, valid, diagnostics } with --json', () => {
    const file = join(ERROR_FIXTURES, 'gateway-without-condition.bpmn');
    const { status, stdout } = quytrinh('--json', file);
    expect(status).toBe(1);
    const report = JSON.parse(stdout) as { file: string; valid: boolean; diagnostics: Array<{ code: string; elementId?: string; severity: string }> };
    expect(report.file).toBe(file);
    expect(report.valid).toBe(false);
    expect(report.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.elementId])).toEqual([
      ['GATEWAY_FLOW_WITHOUT_CONDITION', 'Flow_Yes'],
      ['GATEWAY_FLOW_WITHOUT_CONDITION', 'Flow_No'],
    ]);
  });

  it('should exit 1 with the refusal for hostile XML', () => {
    const { status, stdout } = quytrinh('--json', join(ERROR_FIXTURES, 'billion-laughs.bpmn'));
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ valid: false, diagnostics: [{ code: 'XML_DOCTYPE_FORBIDDEN', severity: 'error' }] });
  });

  it('should exit 2 for an unreadable file or bad arguments', () => {
    expect(quytrinh(join(ROOT, 'no-such-file.bpmn')).status).toBe(2);
    expect(quytrinh().status).toBe(2);
    expect(quytrinh('--xml', join(ERROR_FIXTURES, 'not-bpmn.bpmn')).status).toBe(2);
    const { status, stderr } = quytrinh('a.bpmn', 'b.bpmn');
    expect(status).toBe(2);
    expect(stderr).toContain('Usage: quytrinh validate');
  });
});
