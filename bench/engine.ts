/**
 * Engine benchmarks: compiling a 200-element procedure, and steps per second through the pure
 * step function with the snapshot serialised to JSON and parsed back on every step (as the
 * server stores it). XState alone on the same machine is measured for comparison.
 */
import { transition } from 'xstate';
import { compileProcess, startCase, advanceCase } from '../engine/index.ts';
import type { CompiledProcess, DefinitionsModel, FlowNode, SequenceFlow, PersistedCase, EngineEvent } from '../engine/index.ts';

const NOW = '2026-03-02T09:00:00+07:00';

/** A procedure of about `size` elements: review loops, parallel consultations and decisions in sequence. */
function procedure(size: number, salt: string): DefinitionsModel {
  const nodes: FlowNode[] = [];
  const flows: SequenceFlow[] = [];
  const step = { outcomes: [] as string[], outsideClock: false, norm: { amount: 1, unit: 'workingDays' as const } };
  const add = (node: Omit<FlowNode, 'incoming' | 'outgoing' | 'laneIds'>): string => {
    nodes.push({ ...node, laneIds: [], incoming: [], outgoing: [] } as unknown as FlowNode);
    return node.id;
  };
  const link = (from: string, to: string, feel?: string): void => {
    flows.push({ id: `F${flows.length}_${salt}`, sourceId: from, targetId: to, ...(feel ? { condition: { language: 'feel', source: feel, feel } } : {}) });
  };
  let at = add({ kind: 'StartEvent', id: 'Start', trigger: { kind: 'none' }, interrupting: true } as never);
  let i = -1;
  while (nodes.length < size - 1) {
    i++;
    const pattern = i % 3;
    if (pattern === 0) {
      const task = add({ kind: 'UserTask', id: `Review_${i}`, name: `Review ${salt}`, step: { ...step, outcomes: ['approve', 'return'] } } as never);
      const gate = add({ kind: 'ExclusiveGateway', id: `Decide_${i}` } as never);
      link(at, task);
      link(task, gate);
      link(gate, task, 'outcome = "return"');
      at = gate;
    } else if (pattern === 1) {
      const split = add({ kind: 'ParallelGateway', id: `Split_${i}` } as never);
      const join = add({ kind: 'ParallelGateway', id: `Join_${i}` } as never);
      link(at, split);
      for (const unit of ['A', 'B', 'C']) {
        const task = add({ kind: 'UserTask', id: `Consult_${i}_${unit}`, step } as never);
        link(split, task);
        link(task, join);
      }
      at = join;
    } else {
      const task = add({ kind: 'UserTask', id: `Handle_${i}`, step } as never);
      link(at, task);
      at = task;
    }
  }
  const end = add({ kind: 'EndEvent', id: 'End', trigger: { kind: 'none' } } as never);
  link(at, end);
  const withFlows = nodes.map((n) => ({
    ...n,
    incoming: flows.filter((f) => f.targetId === n.id).map((f) => f.id),
    outgoing: flows.filter((f) => f.sourceId === n.id).map((f) => f.id),
  })) as FlowNode[];
  // Decision gateways leave on their last (unconditioned) flow by default.
  for (const n of withFlows) if (n.kind === 'ExclusiveGateway') (n as { defaultFlowId?: string }).defaultFlowId = n.outgoing.find((f) => !flows.find((x) => x.id === f)?.condition);
  return {
    processes: [{ id: `Bench_${salt}`, isExecutable: true, procedure: { cutoffs: { desk: undefined, online: undefined, post: undefined }, supplementMode: 'restart' }, graph: { nodes: withFlows, flows }, lanes: [] }],
    participants: [],
    messageFlows: [],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function benchCompile(): void {
  // Warm the JIT first: the target is about steady-state compile time, not module start-up.
  for (let run = 0; run < 5; run++) compileProcess(procedure(200, `warm${run}`));
  const times: number[] = [];
  let elements = 0;
  for (let run = 0; run < 30; run++) {
    const model = procedure(200, `s${run}`);
    elements = model.processes[0]!.graph.nodes.length;
    const started = performance.now();
    const { compiled } = compileProcess(model);
    times.push(performance.now() - started);
    if (!compiled) throw new Error('bench procedure did not compile');
  }
  console.log(`compile ${elements}-element procedure (new content each run, after warm-up): median ${median(times).toFixed(1)} ms, min ${Math.min(...times).toFixed(1)} ms (target ≤ 50 ms)`);
}

/** A review loop: every COMPLETE is one step; returning keeps the case going forever. */
function loopProcess(): CompiledProcess {
  const model = procedure(4, 'loop');
  const { compiled } = compileProcess(model);
  return compiled!;
}

/** Runs `step` in rounds of `roundMs` after a warm-up; returns the rate of each round. */
function rounds(step: () => void, roundMs: number, count: number): number[] {
  const warmUntil = performance.now() + roundMs;
  while (performance.now() < warmUntil) for (let k = 0; k < 100; k++) step();
  const rates: number[] = [];
  for (let r = 0; r < count; r++) {
    let n = 0;
    const started = performance.now();
    while (performance.now() - started < roundMs) {
      for (let k = 0; k < 100; k++) step();
      n += 100;
    }
    rates.push(n / ((performance.now() - started) / 1000));
  }
  return rates;
}

const fmt = (n: number): string => Math.round(n).toLocaleString('en');

function benchSteps(): void {
  const compiled = loopProcess();
  let state = startCase(compiled, { data: {}, now: NOW });
  const engineRates = rounds(() => {
    const open = state.openSteps[0]!;
    const event: EngineEvent = { type: 'COMPLETE', stepKey: open.stepKey, outcome: 'return' };
    const stored = JSON.stringify(state.snapshot);
    state = advanceCase(compiled, JSON.parse(stored) as PersistedCase, event, NOW);
  }, 1500, 3);
  console.log(`pure step function + JSON snapshot round trip: median ${fmt(median(engineRates))} steps/s, best ${fmt(Math.max(...engineRates))} (target ≥ 40,000)`);

  // XState's own pure API on the same machine: transition() + JSON round trip of value and context.
  const machine = compiled.machine;
  let snapshot = startCase(compiled, { data: {}, now: NOW }).snapshot.machine as { value: unknown; context: unknown };
  const xstateRates = rounds(() => {
    const restored = machine.resolveState(JSON.parse(JSON.stringify(snapshot)) as never);
    const [next] = transition(machine, restored, { type: 'COMPLETE.Review_0', stepKey: 'Review_0', outcome: 'return' } as never);
    snapshot = { value: next.value, context: next.context };
  }, 1500, 3);
  console.log(`XState transition() alone (resolveState + transition + JSON round trip): median ${fmt(median(xstateRates))} steps/s`);
}

export async function run(): Promise<void> {
  // Steps first: the compile benchmark leaves 35 machines in the compile cache, a bigger heap
  // that slows the garbage collector the step loop leans on.
  benchSteps();
  benchCompile();
}
