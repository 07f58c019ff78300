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
  console.log(`compile ${elements}-element procedure (cold, new content each run): median ${median(times).toFixed(1)} ms, max ${Math.max(...times).toFixed(1)} ms (target ≤ 50 ms)`);
}

/** A review loop: every COMPLETE is one step; returning keeps the case going forever. */
function loopProcess(): CompiledProcess {
  const model = procedure(4, 'loop');
  const { compiled } = compileProcess(model);
  return compiled!;
}

function benchSteps(): void {
  const compiled = loopProcess();
  const durationMs = 3000;
  let state = startCase(compiled, { data: {}, now: NOW });
  let steps = 0;
  const started = performance.now();
  while (performance.now() - started < durationMs) {
    for (let k = 0; k < 500; k++) {
      const open = state.openSteps[0]!;
      const event: EngineEvent = { type: 'COMPLETE', stepKey: open.stepKey, outcome: 'return' };
      const stored = JSON.stringify(state.snapshot);
      state = advanceCase(compiled, JSON.parse(stored) as PersistedCase, event, NOW);
      steps++;
    }
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`pure step function + JSON snapshot round trip: ${Math.round(steps / seconds).toLocaleString('en')} steps/s (target ≥ 40,000)`);

  // XState alone: transition + JSON round trip of its persisted snapshot on the same machine.
  const machine = compiled.machine;
  let snapshot = startCase(compiled, { data: {}, now: NOW }).snapshot.machine as { value: unknown; context: unknown };
  let raw = 0;
  const rawStarted = performance.now();
  while (performance.now() - rawStarted < durationMs) {
    for (let k = 0; k < 500; k++) {
      const restored = machine.resolveState(JSON.parse(JSON.stringify(snapshot)) as never);
      const [next] = transition(machine, restored, { type: 'COMPLETE.Review_0', stepKey: 'Review_0', outcome: 'return' } as never);
      snapshot = { value: next.value, context: next.context };
      raw++;
    }
  }
  const rawSeconds = (performance.now() - rawStarted) / 1000;
  console.log(`XState alone (resolveState + transition + JSON round trip): ${Math.round(raw / rawSeconds).toLocaleString('en')} steps/s`);
}

export async function run(): Promise<void> {
  benchCompile();
  benchSteps();
}
