/**
 * The worker side of `fuzz --workers N` / `--watchdog` (src/cli/pool.ts is the main side).
 *
 * A task is consecutive seed blocks: the worker loads the scenario file itself (through the CLI's
 * loader, cached per file; the task names which of its exported scenarios), explores each block exactly as the in-process engine does (the same
 * strategy, seeded blockSeed(seed, k), the same runs), shrinks a failure, and returns a small
 * result per block: counts, the block's distinct-schedule hashes, PCT's tally, and the failure's
 * tokens; it stops after a block that failed or ran out of time.
 * The main thread rebuilds the report by replaying the token (a run is a pure function of it).
 *
 * The mirror (what the watchdog needs): every chooser answer of the current run is written into
 * a SharedArrayBuffer as it is made, with the run's fault kinds and generator name, so that when
 * a poll never returns and the main thread terminates this worker, it can still build the token
 * of the run that hung. Its two counters (runs begun, choices made) are also the heartbeat; it
 * also says which block of the task is running, and at which count of runs it began.
 */
import { performance } from "node:perf_hooks";
import { isWorkerThread, workerData } from "piscina";
import type { ChoiceKind, Chooser, FaultKind } from "../chooser/chooser.js";
import { FAULT_KINDS } from "../chooser/chooser.js";
import { ReplayChooser } from "../chooser/replay.js";
import { SeededChooser } from "../chooser/seeded.js";
import { freshGeneratorFunctions, type FreshClosures } from "../explore/fresh-closures.js";
import { explore } from "../explore/explore.js";
import { guard } from "../explore/watchdog.js";
import { exploreWatched, type RunHang } from "../explore/watched.js";
import { shrink } from "../explore/shrink.js";
import { makeStrategy, type StrategyName } from "../explore/strategies.js";
import type { RunPlan, Strategy } from "../explore/strategy.js";
import { resolveOptions, type SimOptions } from "../sim/config.js";
import type { Outcome } from "../sim/outcome.js";
import { runScenario, type Scenario } from "../sim/scenario.js";
import type { TaskId } from "../core/ids.js";
import { DIAGNOSIS_MS } from "./engine.js";
import { exportLabel, loadScenarios, type Exported } from "./load.js";

/** Layout of the mirror (Int32Array indices). */
export const M = {
  /** Runs begun (heartbeat). */
  seq: 0,
  /** Choices of the current run written so far (heartbeat). */
  count: 1,
  /** Bit i: FAULT_KINDS[i] is on in the current run. */
  faults: 2,
  /** 1 when the current run made more choices than the mirror holds. */
  overflow: 3,
  nameLength: 4,
  /** The generator name, one UTF-16 code unit per slot. */
  name: 5,
  nameMax: 32,
  /** Which block of the task runs now (its index in BlockTask.blocks). */
  block: 37,
  /** The value of `seq` when that block began. */
  blockStart: 38,
  /** The choices start here. */
  choices: 40,
} as const;

/** 1 Mi choices per mirror (4 MiB): well above the default maxSteps of 100 000. */
export const MIRROR_INTS = 1 << 20;

/** One seed block: an exploration of `runs` runs seeded `seed` (engine.ts). */
export interface BlockPlan {
  readonly seed: number | string;
  readonly runs: number;
}

/**
 * A task: consecutive seed blocks, explored in order. It stops after a block that failed or ran
 * out of time (the blocks after it are not explored: a failure is the first by block order).
 */
export interface BlockTask {
  readonly kind: "blocks";
  readonly file: string;
  /** Which of the file's exported scenarios ("default", or a named export). */
  readonly exportName: string;
  readonly strategy: StrategyName;
  readonly blocks: readonly BlockPlan[];
  /**
   * When to stop, as `performance.timeOrigin + performance.now()` (the same clock in every
   * thread; null: no time limit). A block that starts after it makes no runs.
   */
  readonly deadline: number | null;
  readonly sim: SimOptions;
  readonly mirror: SharedArrayBuffer;
  /**
   * The worker's own watchdog (src/explore/watched.ts; null: off): a hung run is stopped, named
   * and reported in BlockResult.hangs, and the block goes on — the pool's heartbeat watchdog is
   * then only the backstop for a hang outside a guarded exploration (shrinking a failure).
   */
  readonly watchdogMs: number | null;
  /** The block stops after this many hangs. */
  readonly maxHangs: number;
}

export interface BlockFailure {
  /** 0-based run of the block that failed. */
  readonly run: number;
  readonly token: string;
  readonly originalToken: string;
  readonly originalChoices: readonly number[];
  readonly shrinkSteps: number;
  readonly shrinkRuns: number;
}

export interface BlockResult {
  readonly runs: number;
  readonly steps: number;
  readonly strategy: string;
  readonly exhausted: boolean;
  /** hashChoices of each distinct choice list of the block (recorded by explore). */
  readonly hashes: readonly number[];
  readonly stats: Record<string, number | string | boolean>;
  readonly failure: BlockFailure | null;
  /** The fresh-closure diagnosis of the scenario (src/explore/fresh-closures.ts). */
  readonly fresh: FreshClosures | null;
  /** How long the block took in the worker, in ms (sizes the next tasks; excludes queueing). */
  readonly ms: number;
  /** Runs the worker's watchdog stopped (their `run` is 0-based in the block). */
  readonly hangs: readonly RunHang[];
}

/** What the pool gives every worker when it starts. */
export interface WorkerData {
  /** Scenario files to start loading at once (a block task then finds them loaded or loading). */
  readonly preload: readonly string[];
}

const loaded = new Map<string, Promise<readonly Exported[]>>();
function loadFile(file: string): Promise<readonly Exported[]> {
  let p = loaded.get(file);
  if (p === undefined) {
    p = loadScenarios(file);
    loaded.set(file, p);
  }
  return p;
}
/** The scenario the main thread chose: the file's export named `exportName`. */
async function scenarioOf(file: string, exportName: string): Promise<Scenario> {
  const found = (await loadFile(file)).find((x) => x.exportName === exportName);
  if (found === undefined) throw new Error(`${file}: exports no scenario as ${exportLabel(exportName)}`);
  return found.scenario;
}

// Start loading while the main thread loads the same files. A file that fails to load fails the
// first block that needs it (the main thread has reported it by then); not an unhandled rejection.
if (isWorkerThread) {
  for (const file of (workerData as Partial<WorkerData> | undefined)?.preload ?? []) loadFile(file).catch(() => {});
}

class Mirror {
  private readonly i32: Int32Array;
  private readonly cap: number;
  private name = "";
  constructor(sab: SharedArrayBuffer) {
    this.i32 = new Int32Array(sab);
    this.cap = this.i32.length - M.choices;
  }
  begin(generator: string, faults: Iterable<FaultKind>): void {
    const a = this.i32;
    let bits = 0;
    for (const f of faults) bits |= 1 << FAULT_KINDS.indexOf(f);
    a[M.faults] = bits;
    if (generator !== this.name) {
      this.name = generator;
      const n = Math.min(generator.length, M.nameMax);
      for (let i = 0; i < n; i++) a[M.name + i] = generator.charCodeAt(i);
      a[M.nameLength] = n;
    }
    a[M.overflow] = 0;
    Atomics.store(a, M.count, 0);
    Atomics.add(a, M.seq, 1);
  }
  // Plain stores, not Atomics.store (a full memory barrier on every choice): the main thread only
  // needs to see the count change eventually (the heartbeat), and reads the choices after the
  // worker has stood still for the whole watchdog time, when every store is long visible.
  private record(v: number): number {
    const a = this.i32;
    const c = a[M.count]!;
    if (c < this.cap) {
      a[M.choices + c] = v;
      a[M.count] = c + 1;
    } else a[M.overflow] = 1;
    return v;
  }
  /** A chooser that answers as `c` does and writes each answer into the mirror. */
  wrap(c: Chooser): Chooser {
    const w: { name: string; fair?: boolean; choose(n: number, k: ChoiceKind): number; chooseTask?(t: readonly TaskId[], p: TaskId | null): number } = {
      name: c.name,
      choose: (n, k) => this.record(c.choose(n, k)),
    };
    if (c.fair !== undefined) w.fair = c.fair;
    if (c.chooseTask !== undefined) w.chooseTask = (t, p) => this.record(c.chooseTask!(t, p));
    return w;
  }
}

/** The block's strategy, with each run's chooser mirrored and each schedule hashed. */
class Mirrored implements Strategy {
  readonly seen = new Set<number>();
  private readonly baseFaults: ReadonlySet<FaultKind>;
  constructor(
    private readonly inner: Strategy,
    private readonly mirror: Mirror,
    private readonly base: SimOptions,
  ) {
    this.baseFaults = resolveOptions(base).faults;
  }
  get name(): string {
    return this.inner.name;
  }
  get exhausted(): boolean {
    return this.inner.exhausted === true;
  }
  nextRun(run: number): RunPlan | null {
    const plan = this.inner.nextRun(run);
    if (plan === null) return null;
    const faults = plan.options?.faults === undefined ? this.baseFaults : resolveOptions({ ...this.base, ...plan.options }).faults;
    this.mirror.begin(plan.chooser.name, faults);
    return { ...plan, chooser: this.mirror.wrap(plan.chooser) };
  }
  runDone(o: Outcome): void {
    this.inner.runDone?.(o);
  }
  stats(): Record<string, number | string | boolean> {
    return this.inner.stats?.() ?? {};
  }
}

/** Milliseconds since the epoch, comparable across threads (each has its own timeOrigin). */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

const fresh = new Map<string, FreshClosures | null>();
/** The fresh-closure diagnosis, once per scenario (file and export) per worker, its two runs mirrored for the watchdog. */
function freshOf(key: string, scenario: Scenario, base: SimOptions, mirror: Mirror): FreshClosures | null {
  let f = fresh.get(key);
  if (f === undefined) {
    const faults = resolveOptions(base).faults;
    f = freshGeneratorFunctions(scenario, base, () => {
      const c = new SeededChooser(0);
      mirror.begin(c.name, faults);
      return mirror.wrap(c);
    });
    fresh.set(key, f);
  }
  return f;
}

async function runBlocks(t: BlockTask): Promise<BlockResult[]> {
  const a = new Int32Array(t.mirror);
  const results: BlockResult[] = [];
  for (const [i, b] of t.blocks.entries()) {
    a[M.block] = i;
    a[M.blockStart] = Atomics.load(a, M.seq);
    const t0 = performance.now();
    const r = { ...(await runBlock(t, b)), ms: performance.now() - t0 };
    results.push(r);
    if (r.failure !== null || r.runs < b.runs) break;
  }
  return results;
}

async function runBlock(t: BlockTask, b: BlockPlan): Promise<Omit<BlockResult, "ms">> {
  const scenario = await scenarioOf(t.file, t.exportName);
  const key = `${t.file}\u0000${t.exportName}`;
  const timeLimitMs = t.deadline === null ? null : Math.round(t.deadline - wallClock());
  if (timeLimitMs !== null && timeLimitMs < 1) return { runs: 0, steps: 0, strategy: t.strategy, exhausted: false, hashes: [], stats: {}, failure: null, fresh: fresh.get(key) ?? null, hangs: [] };
  const base: SimOptions = { ...scenario.options, ...t.sim };
  const mirror = new Mirror(t.mirror);
  const strategy = new Mirrored(makeStrategy(t.strategy, b.seed, base, 3), mirror, base);
  const options = {
    ...t.sim,
    seed: b.seed,
    runs: b.runs,
    strategy,
    schedules: strategy.seen,
    shrink: false,
    ...(timeLimitMs === null ? {} : { timeLimitMs }),
  };
  const r = t.watchdogMs === null ? { ...explore(scenario, options), hangs: [] } : exploreWatched(scenario, options, { timeoutMs: t.watchdogMs, maxHangs: t.maxHangs });
  const guarded = t.watchdogMs === null ? null : guard(() => freshOf(key, scenario, base, mirror), { timeoutMs: Math.min(t.watchdogMs, DIAGNOSIS_MS) });
  const diagnosis = guarded === null ? freshOf(key, scenario, base, mirror) : guarded.kind === "ok" ? guarded.value : null;
  const result = {
    runs: r.runs,
    steps: r.steps,
    strategy: strategy.name,
    exhausted: strategy.exhausted,
    hashes: [...strategy.seen],
    stats: strategy.stats(),
    fresh: diagnosis,
    hangs: r.hangs,
  };
  if (r.failure === null) return { ...result, failure: null };
  // Shrink here, not in explore(), so that every rerun is mirrored too (a shrunk schedule may hang).
  const found = r.failure.outcome;
  const generator = found.chooser;
  const rerun = (choices: readonly number[], faults: readonly FaultKind[]): Outcome => {
    mirror.begin(generator, faults);
    return runScenario(scenario, { ...base, faults, chooser: mirror.wrap(new ReplayChooser(choices, generator)) });
  };
  const shrunk = found.violations.length === 0 ? null : shrink(found, rerun, 2000);
  return {
    ...result,
    failure: {
      run: r.failure.run,
      token: (shrunk?.outcome ?? found).token,
      originalToken: r.failure.originalToken,
      originalChoices: [...r.failure.originalChoices],
      shrinkSteps: shrunk?.steps ?? 0,
      shrinkRuns: shrunk?.runs ?? 0,
    },
  };
}

export default async function task(t: BlockTask): Promise<BlockResult[]> {
  return runBlocks(t);
}
