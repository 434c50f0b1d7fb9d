/**
 * `fuzz --workers N` and `--watchdog T`: the worker-thread pool (piscina) and its backstop
 * watchdog. Which blocks go to which task, and how their results are gathered, is dispatch.ts;
 * what a worker does with a task is worker.ts; the memory they share is mirror.ts.
 *
 * Watchdog, in two layers. (1) Each worker explores under the in-process watchdog
 * (src/explore/watched.ts): a run whose poll does not return within --watchdog is stopped there,
 * named (task, future, step) and returned in its block's result, and the block goes on with the
 * next run; a block stops after MAX_HANGS hangs (hang.ts). (2) The backstop, for a hang the
 * in-process watchdog cannot stop: each worker mirrors the current run's chooser answers, fault
 * kinds and generator into a SharedArrayBuffer (mirror.ts); its counters (runs begun, choices
 * made) are a heartbeat. When a running block's heartbeat stands still for backstopMs, the
 * worker is terminated (piscina starts a replacement) and the task resolves as a "hang" with
 * what the mirror held, from which dispatch.ts builds the token of the run that hung. The
 * backstop is armed once the task's first run began (loading the scenario file in a fresh worker
 * is not timed). A block of a scenario with async tasks (explored with exploreAsync, whose steps
 * the worker's own watchdog cannot stop) is watched by the backstop alone, at the watchdog time.
 */
import { Piscina } from "piscina";
import type { HangSite } from "../explore/watchdog.js";
import { realClock, type CliClock } from "./clock.js";
import { MirrorReader, newMirrorBuffer, type MirrorSnapshot } from "./mirror.js";
import type { BlockResult, BlockTask, ReplayTask, WorkerData } from "./worker.js";
import type { ReplayDone } from "./replay.js";

const WORKER = new URL(import.meta.url.endsWith(".ts") ? "./worker-entry.ts" : "./worker-entry.js", import.meta.url);

/** What the mirror held when the backstop fired. */
export interface HangSnapshot extends MirrorSnapshot {
  /** Where it hung, when the worker's own watchdog stopped it (null: terminated from outside). */
  readonly site: HangSite | null;
}

/** What became of one task (a run of consecutive blocks) in the pool. */
export type TaskOutcome =
  | { readonly kind: "ok"; readonly results: readonly BlockResult[] }
  | { readonly kind: "hang"; readonly hang: HangSnapshot }
  | { readonly kind: "cancelled" }
  | { readonly kind: "error"; readonly error: unknown };

export class FuzzPool {
  private readonly pool: Piscina;
  private readonly mirrors: SharedArrayBuffer[] = [];
  private readonly running = new Set<AbortController>();

  /**
   * How long a running block's heartbeat may stand still before its worker is terminated: the
   * backstop. Each worker runs its own watchdog (watchdogMs), which stops, names and reports a hung
   * run and goes on; it may take up to twice watchdogMs (watched.ts), hence the margin.
   */
  readonly backstopMs: number;

  /**
   * `watchdogMs`: Infinity for --watchdog off. `preload`: scenario files each worker starts loading
   * as soon as it starts. `clock`: what the heartbeat is timed by.
   */
  constructor(
    readonly workers: number,
    readonly watchdogMs: number,
    preload: readonly string[] = [],
    private readonly clock: CliClock = realClock,
  ) {
    this.backstopMs = watchdogMs === Infinity ? Infinity : 3 * watchdogMs + 2000;
    const workerData: WorkerData = { preload };
    // atomics "disabled": tasks arrive as messages, and a worker's event loop runs while it waits
    // for one. With piscina's default ("sync") an idle worker blocks in Atomics.wait, so the
    // preload above could not progress until the first task arrived: measured, a worker was
    // ready to explore about 1.1 s after start instead of 0.55 s. Tasks are ~250 ms, so the
    // faster hand-over that atomics buy is worth nothing here.
    this.pool = new Piscina({ filename: WORKER.href, minThreads: workers, maxThreads: workers, idleTimeout: 60_000, workerData, atomics: "disabled" });
  }

  /** Explores consecutive blocks in a worker, under the watchdog. Never rejects; `cancel` makes it "cancelled". */
  async runBlocks(task: Omit<BlockTask, "kind" | "mirror" | "watchdogMs">, cancel?: AbortSignal): Promise<TaskOutcome> {
    const mirror = this.mirrors.pop() ?? newMirrorBuffer();
    const view = new MirrorReader(mirror);
    view.reset();
    const ac = new AbortController();
    this.running.add(ac);
    cancel?.addEventListener("abort", () => ac.abort(), { once: true });
    let hung = false;
    let last = [0, 0];
    let lastChange = this.clock.now();
    const tick = setInterval(
      () => {
        const now = this.clock.now();
        const seq = view.seq;
        const count = view.count;
        if (seq === 0 || seq !== last[0] || count !== last[1]) {
          last = [seq, count];
          lastChange = now;
        } else if (now - lastChange >= (view.async ? this.watchdogMs : this.backstopMs)) {
          hung = true;
          ac.abort();
        }
      },
      Math.max(5, Math.min(250, this.watchdogMs / 5)),
    );
    try {
      const full: BlockTask = { kind: "blocks", ...task, mirror, watchdogMs: this.watchdogMs === Infinity ? null : this.watchdogMs };
      const results = (await this.pool.run(full, { signal: ac.signal })) as BlockResult[];
      return { kind: "ok", results };
    } catch (error) {
      if (hung) return { kind: "hang", hang: { ...view.snapshot(), site: null } };
      if (ac.signal.aborted) return { kind: "cancelled" };
      return { kind: "error", error };
    } finally {
      clearInterval(tick);
      this.running.delete(ac);
      this.mirrors.push(mirror);
    }
  }

  /**
   * Replays a token of a scenario with async tasks in a worker (`wakesim replay` under the
   * watchdog): its heartbeat is the run's steps, and a step that does not end within the
   * watchdog time terminates the worker — a "hang" with the step it was at.
   */
  async replay(task: Omit<ReplayTask, "kind" | "mirror">): Promise<{ readonly kind: "ok"; readonly done: ReplayDone } | { readonly kind: "hang"; readonly hang: HangSnapshot } | { readonly kind: "error"; readonly error: unknown }> {
    const mirror = this.mirrors.pop() ?? newMirrorBuffer();
    const view = new MirrorReader(mirror);
    view.reset();
    const ac = new AbortController();
    let hung = false;
    let last = -2;
    let lastChange = this.clock.now();
    const tick = setInterval(
      () => {
        const now = this.clock.now();
        const beat = view.seq === 0 ? -2 : view.step ?? -1;
        if (beat === -2 || beat !== last) {
          last = beat;
          lastChange = now;
        } else if (now - lastChange >= this.watchdogMs) {
          hung = true;
          ac.abort();
        }
      },
      Math.max(5, Math.min(250, this.watchdogMs / 5)),
    );
    try {
      const done = (await this.pool.run({ kind: "replay", ...task, mirror } satisfies ReplayTask, { signal: ac.signal })) as ReplayDone;
      return { kind: "ok", done };
    } catch (error) {
      if (hung) return { kind: "hang", hang: { ...view.snapshot(), site: null } };
      return { kind: "error", error };
    } finally {
      clearInterval(tick);
      this.mirrors.push(mirror);
    }
  }

  /** Stops every running block (Ctrl-C): they resolve as "cancelled". */
  cancelAll(): void {
    for (const ac of this.running) ac.abort();
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
