/**
 * Working-calendar benchmark: due instants for 1–15 working-day norms from receipt instants
 * spread over 2025–2026 (so many cross Tết, the 30/4–1/5 and Quốc khánh breaks and the
 * swapped Saturdays). Target (issue #4): ≥ 500,000 due-instant computations per second.
 */
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { VN_CIVIL_SERVICE, createCalendar } from '../engine/index.ts';
import type { Norm } from '../engine/index.ts';

const INPUTS = 4096;

/** Deterministic pseudo-random inputs (a fixed LCG) so every run measures the same work. */
function inputs(): { starts: number[]; norms: Norm[] } {
  let seed = 20260217;
  const next = (): number => {
    seed = (Math.imul(seed, 1_664_525) + 1_013_904_223) >>> 0;
    return seed / 2 ** 32;
  };
  const from = DateTime.fromISO('2025-01-01T00:00', { zone: 'Asia/Ho_Chi_Minh' }).toMillis();
  const to = DateTime.fromISO('2026-12-01T00:00', { zone: 'Asia/Ho_Chi_Minh' }).toMillis();
  const starts: number[] = [];
  const norms: Norm[] = [];
  for (let i = 0; i < INPUTS; i += 1) {
    starts.push(Math.floor(from + next() * (to - from)));
    norms.push({ amount: 1 + Math.floor(next() * 15), unit: 'workingDays' });
  }
  return { starts, norms };
}

function measure(label: string, iterations: number, body: (i: number) => number): number {
  let checksum = 0;
  for (let i = 0; i < Math.min(iterations, 20_000); i += 1) checksum += body(i);
  const t0 = performance.now();
  for (let i = 0; i < iterations; i += 1) checksum += body(i);
  const seconds = (performance.now() - t0) / 1000;
  const opsPerSecond = iterations / seconds;
  console.log(`${label.padEnd(58)} ${Math.round(opsPerSecond).toLocaleString('en-US').padStart(12)} ops/s   (checksum ${checksum % 1000})`);
  return opsPerSecond;
}

export async function run(): Promise<void> {
  const t0 = performance.now();
  const calendar = createCalendar(VN_CIVIL_SERVICE);
  calendar.dayInfo('2025-06-01');
  calendar.dayInfo('2026-06-01');
  console.log(`createCalendar + 2 year tables (incl. lunar): ${(performance.now() - t0).toFixed(1)} ms`);
  const { starts, norms } = inputs();
  const isoStarts = starts.map((ms) => DateTime.fromMillis(ms, { zone: 'Asia/Ho_Chi_Minh' }).toISO()!);
  const dateTimes = starts.map((ms) => DateTime.fromMillis(ms, { zone: 'Asia/Ho_Chi_Minh' }));
  const mask = INPUTS - 1;

  const fast = measure('addNormMs (epoch ms in/out)', 2_000_000, (i) => calendar.addNormMs(starts[i & mask]!, norms[i & mask]!));
  measure('effectiveStartMs + addNormMs (15:00 cut-off, ms)', 2_000_000, (i) => calendar.addNormMs(calendar.effectiveStartMs(starts[i & mask]!), norms[i & mask]!));
  measure('workingMsBetween (ms)', 2_000_000, (i) => calendar.workingMsBetween(starts[i & mask]!, starts[(i + 1) & mask]!));
  const withDateTime = measure('addNorm (luxon DateTime in/out)', 1_000_000, (i) => calendar.addNorm(dateTimes[i & mask]!, norms[i & mask]!).toMillis());
  measure('addNorm (ISO string in, DateTime out)', 1_000_000, (i) => calendar.addNorm(isoStarts[i & mask]!, norms[i & mask]!).toMillis());
  const verdict = (ops: number): string => (ops >= 500_000 ? 'met' : 'NOT met');
  console.log(`target ≥ 500,000 due instants/s: ${verdict(fast)} on the epoch-ms path, ${verdict(withDateTime)} with luxon DateTimes`);
}
