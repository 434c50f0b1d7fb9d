/**
 * The run mirror: a SharedArrayBuffer through which a pool worker (worker.ts) shows the main
 * thread (pool.ts, dispatch.ts) the run it is making — every chooser answer as it is made, the
 * run's fault kinds and generator name, which block of the task runs — so that when a poll never
 * returns and the main thread terminates the worker, it can still build the token of the run
 * that hung.
 * This file is the mirror's one codec: its layout, the worker's writes, the main thread's reads.
 *
 * Invariants:
 *  1. Two counters are the heartbeat: runs begun (`seq`) and choices of the current run
 *     (`count`). A worker whose heartbeat stands still is stuck in one poll.
 *  2. Choices are written with plain stores, not Atomics.store (a full memory barrier on every
 *     choice): the main thread only needs to see the count change eventually, and reads the
 *     choices after the worker has stood still for the whole watchdog time, when every store is
 *     long visible.
 *  3. A run that makes more choices than the mirror holds sets `overflow`: it gets no token.
 */
import type { ChoiceKind, Chooser, FaultKind } from "../chooser/chooser.js";
import type { TaskId } from "../core/ids.js";
import { faultBits, faultsOfBits } from "../trace/token.js";

/** Layout of the mirror: the Int32Array index of each field. */
export const MirrorSlot = {
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
  /**
   * 1 while the block explores with exploreAsync: a step of a run with async tasks cannot be
   * stopped in the worker (watchdog.ts needs a synchronous call), so the backstop is the watchdog.
   */
  async: 39,
  /** The step a run with async tasks is at (its next step, before it runs), and its virtual time. */
  step: 40,
  time: 41,
  /** The choices start here. */
  choices: 44,
} as const;

/** 1 Mi ints per mirror (4 MiB): well above the default maxSteps of 100 000 choices. */
export const MIRROR_INTS = 1 << 20;

/** Choices a mirror holds. */
export const MIRROR_CHOICES = MIRROR_INTS - MirrorSlot.choices;

/** What the mirror held when the watchdog fired. */
export interface MirrorSnapshot {
  /** The block of the task that hung (its index in the task's blocks). */
  readonly block: number;
  /** Runs that block had begun (the hung one included). */
  readonly runs: number;
  readonly generator: string;
  readonly faults: readonly FaultKind[];
  readonly choices: readonly number[];
  /** The run made more choices than the mirror holds: no token. */
  readonly overflow: boolean;
  /** The run had async tasks (MirrorSlot.async). */
  readonly async: boolean;
  /** The step of such a run that hung, or whose promise reactions never ended, and its virtual time (null: not known). */
  readonly step: number | null;
  readonly time: number | null;
}

/** A fresh mirror's memory, for one worker task at a time. */
export function newMirrorBuffer(): SharedArrayBuffer {
  return new SharedArrayBuffer(MIRROR_INTS * 4);
}

/** The main thread's side: reset before a task, the heartbeat while it runs, the snapshot after a hang. */
export class MirrorReader {
  private readonly a: Int32Array;
  constructor(buffer: SharedArrayBuffer) {
    this.a = new Int32Array(buffer);
  }

  reset(): void {
    const a = this.a;
    a[MirrorSlot.seq] = 0;
    a[MirrorSlot.count] = 0;
    a[MirrorSlot.nameLength] = 0;
    a[MirrorSlot.block] = 0;
    a[MirrorSlot.blockStart] = 0;
    a[MirrorSlot.async] = 0;
    a[MirrorSlot.step] = -1;
  }

  /** The running block explores with exploreAsync (MirrorSlot.async). */
  get async(): boolean {
    return Atomics.load(this.a, MirrorSlot.async) === 1;
  }

  /** Runs begun (0: the task's first run has not begun). */
  get seq(): number {
    return Atomics.load(this.a, MirrorSlot.seq);
  }

  /** The step a run with async tasks is at (null: none yet in this run). */
  get step(): number | null {
    const v = this.a[MirrorSlot.step]!;
    return v < 0 ? null : v;
  }

  /** Choices of the current run. */
  get count(): number {
    return Atomics.load(this.a, MirrorSlot.count);
  }

  snapshot(): MirrorSnapshot {
    const a = this.a;
    const n = Math.min(Atomics.load(a, MirrorSlot.count), a.length - MirrorSlot.choices);
    const nameLength = a[MirrorSlot.nameLength]!;
    let generator = "";
    for (let i = 0; i < nameLength; i++) generator += String.fromCharCode(a[MirrorSlot.name + i]!);
    return {
      block: a[MirrorSlot.block]!,
      runs: Atomics.load(a, MirrorSlot.seq) - a[MirrorSlot.blockStart]!,
      generator,
      faults: faultsOfBits(a[MirrorSlot.faults]!),
      choices: Array.from(a.subarray(MirrorSlot.choices, MirrorSlot.choices + n)),
      overflow: a[MirrorSlot.overflow] === 1,
      async: a[MirrorSlot.async] === 1,
      step: a[MirrorSlot.step]! < 0 ? null : a[MirrorSlot.step]!,
      time: a[MirrorSlot.step]! < 0 ? null : a[MirrorSlot.time]!,
    };
  }
}

/** The worker's side: which block runs, each run's start, each chooser answer. */
export class MirrorWriter {
  private readonly a: Int32Array;
  private readonly cap: number;
  private name = "";
  constructor(buffer: SharedArrayBuffer) {
    this.a = new Int32Array(buffer);
    this.cap = this.a.length - MirrorSlot.choices;
  }

  /** Block `i` of the task begins (its runs are counted from here). */
  enterBlock(i: number): void {
    this.a[MirrorSlot.block] = i;
    this.a[MirrorSlot.blockStart] = Atomics.load(this.a, MirrorSlot.seq);
  }

  /** The block explores with exploreAsync from here on (or not). */
  setAsync(on: boolean): void {
    Atomics.store(this.a, MirrorSlot.async, on ? 1 : 0);
  }

  /** A run with async tasks is about to make step `step`, at virtual time `time` (plain stores: read after a hang). */
  atStep(step: number, time: number): void {
    this.a[MirrorSlot.step] = step;
    this.a[MirrorSlot.time] = Math.min(time, 0x7fffffff);
  }

  /** A run begins, made by `generator` with these fault kinds on. */
  begin(generator: string, faults: Iterable<FaultKind>): void {
    const a = this.a;
    a[MirrorSlot.faults] = faultBits(faults);
    if (generator !== this.name) {
      this.name = generator;
      const n = Math.min(generator.length, MirrorSlot.nameMax);
      for (let i = 0; i < n; i++) a[MirrorSlot.name + i] = generator.charCodeAt(i);
      a[MirrorSlot.nameLength] = n;
    }
    a[MirrorSlot.overflow] = 0;
    a[MirrorSlot.step] = -1;
    Atomics.store(a, MirrorSlot.count, 0);
    Atomics.add(a, MirrorSlot.seq, 1);
  }

  /** A chooser that answers as `c` does and writes each answer into the mirror. */
  wrap(c: Chooser): Chooser {
    const w: { name: string; fair?: boolean; choose(n: number, k: ChoiceKind): number; chooseTask?(t: readonly TaskId[], p: TaskId | null): number; chooseTie?(o: readonly (TaskId | null)[]): number } = {
      name: c.name,
      choose: (n, k) => this.record(c.choose(n, k)),
    };
    if (c.fair !== undefined) w.fair = c.fair;
    if (c.chooseTask !== undefined) w.chooseTask = (t, p) => this.record(c.chooseTask!(t, p));
    if (c.chooseTie !== undefined) w.chooseTie = (o) => this.record(c.chooseTie!(o));
    return w;
  }

  private record(v: number): number {
    const a = this.a;
    const c = a[MirrorSlot.count]!;
    if (c < this.cap) {
      a[MirrorSlot.choices + c] = v;
      a[MirrorSlot.count] = c + 1;
    } else a[MirrorSlot.overflow] = 1;
    return v;
  }
}
