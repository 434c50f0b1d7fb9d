/**
 * Source-set dynamic partial-order reduction: a stateless depth-first search over thread
 * schedules that explores at least one schedule of every Mazurkiewicz trace (every class of
 * schedules equal up to swapping adjacent independent events — thread-access.ts defines
 * dependence) and skips most of the others.
 *
 * Algorithm: Source-DPOR with sleep sets — P. A. Abdulla, S. Aronis, B. Jonsson, K. Sagonas,
 * "Optimal Dynamic Partial Order Reduction", POPL 2014, Algorithm 1 — with happens-before kept as
 * vector clocks (thread-access.ts). Chosen over Flanagan & Godefroid's persistent-set DPOR
 * (POPL 2005) because (a) it explores never more, and usually fewer, schedules for the same
 * program; (b) it needs only the *executed* events — Flanagan & Godefroid's race check asks for
 * every thread's *next* step, also of blocked threads, which a generator-based poll only knows
 * once it has yielded; (c) the races it reverses are found by one pass over the finished run, so
 * a stateless harness needs nothing but the run's events. Wakeup trees (the paper's "optimal"
 * variant, which also removes the sleep-set-blocked runs counted below) are left out: more
 * machinery for a small gain on the runs we have.
 *
 * Search state: a stack of `Node`s, one per scheduling point of the current run's prefix. Node
 * invariants:
 *  1. `taken` ∈ `backtrack`, and `done` ⊆ `backtrack`: backtrack is what will have been explored
 *     from this point, done what has been;
 *  2. `sleep` (inherited) ∪ `done` are threads whose next event, recorded with them, need not be
 *     explored first from here; a child keeps those whose event is independent of the event
 *     taken (sleep-set propagation, Godefroid 1996);
 *  3. a run reaching a point where every enabled thread sleeps is stopped (`next` answers
 *     undefined): each of its completions is equivalent to one explored before.
 * Race reversal (runDone, for each event j new in this run): for every earlier event i in a race
 * with j — different threads, dependent, and no third event between them in happens-before —
 * let v be the events after i that do not happen after i, then j. If no *initial* of v (a thread
 * whose first event in v has no predecessor in v) is in backtrack ∪ sleep at i's point, one is
 * added (the lowest-numbered enabled one). Mutexes: a lock races with the previous lock of the
 * same mutex by another thread (the unlock between them is left out of the check: reversing the
 * unlock alone is never possible, while a blocked acquire is not an event at all).
 *
 * Determinism (explore order a pure function of the program): choices are the previous thread if
 * it may run on, else the lowest-numbered thread; backtracking takes the lowest thread; no
 * randomness, no time, no iteration over hash order that depends on anything but insertion.
 *
 * Limits: no preemption or depth bound (bounding DPOR soundly needs Coons, Musuvathi & McKinley,
 * "Bounded Partial-Order Reduction", OOPSLA 2013; the plain DFS in thread-dfs.ts has a
 * preemption bound); sequential consistency only; a thread may wait only for a mutex (a waiting
 * condition of another kind must be modelled as a step that re-checks); runs stopped in a sleep
 * set are still paid for (`stats.sleepBlocked`; wakeup trees would remove them).
 *
 * Wiring (what a caller must describe): every step that another thread can observe or affect is
 * one event, reported after it ran with the object it touched and how — a load is a read; a store
 * a write; a swap, fetch-op or *successful* compare-exchange an rmw; a failed compare-exchange a
 * read; mutex acquire/release lock/unlock; a wake a "wake" on the woken task's object (so the
 * task's own reads and transitions of its state are dependent with it); thread-private work and
 * named preemption points "local". Steps that touch two objects must be split, or named by one
 * object that stands for both. A thread created mid-run needs happens-before from its creation:
 * the creator's spawn step writes a `spawn:<id>` object and the new thread's first step reads it.
 */
import { copyAccess, dependent, HappensBefore, type Access, type ThreadEvent, type ThreadNo } from "./thread-access.js";
import {
  showAccess,
  showThreads,
  ThreadNondeterminismError,
  type ThreadExplorer,
  type ThreadExplorerStats,
  type ThreadRun,
} from "./thread-explorer.js";

interface Node {
  /** Sorted. */
  readonly enabled: readonly ThreadNo[];
  readonly sleep: ReadonlyMap<ThreadNo, Access>;
  readonly backtrack: Set<ThreadNo>;
  readonly done: Map<ThreadNo, Access>;
  taken: ThreadNo;
}

export interface DporStats extends ThreadExplorerStats {
  /** Races whose reversal had no enabled initial, so every enabled thread was added (should stay 0). */
  readonly conservativeReversals: number;
}

export class DporExplorer implements ThreadExplorer {
  readonly name = "dpor";
  private readonly nodes: Node[] = [];
  private readonly hb = new HappensBefore();
  /** First event index that is new in the current run (races ending earlier were handled). */
  private fresh = 0;
  private step = 0;
  private blocked = false;
  /** next() answered a thread whose executed() has not come yet. */
  private chosen = false;
  private active = false;
  private done = false;
  /** Threads blocked on a mutex at point `at` (at ≥ fresh), each a lock that could not happen yet. */
  private waits: { at: number; thread: ThreadNo; access: Access }[] = [];
  private counts = { runs: 0, schedules: 0, sleepBlocked: 0, boundCut: 0, conservativeReversals: 0 };

  get exhausted(): boolean {
    return this.done;
  }

  get stats(): DporStats {
    return { ...this.counts };
  }

  beginRun(): ThreadRun | null {
    if (this.done) return null;
    if (this.active) throw new Error("DporExplorer.beginRun: the previous run has not called runDone()");
    this.active = true;
    this.step = 0;
    this.blocked = false;
    this.chosen = false;
    this.counts.runs++;
    return { next: (enabled, waiting) => this.next(enabled, waiting), executed: (access) => this.executed(access) };
  }

  private next(enabled: readonly ThreadNo[], waiting: readonly ThreadEvent[] = []): ThreadNo | undefined {
    if (this.blocked) throw new Error("DporExplorer: next() after the run was stopped (it answered undefined)");
    const k = this.step;
    if (this.chosen) throw new Error(`DporExplorer: next() at step ${k} before executed() of step ${k - 1}`);
    if (k >= this.fresh) {
      for (const w of waiting) {
        if (w.access.kind !== "lock") throw new Error(`DporExplorer: a waiting thread must wait for a lock, got ${showAccess(w.access)} (thread ${w.thread})`);
        this.waits.push({ at: k, thread: w.thread, access: { object: w.access.object, kind: "lock" } });
      }
    }
    const sorted = [...enabled].sort((a, b) => a - b);
    if (k < this.nodes.length) {
      const node = this.nodes[k]!;
      if (showThreads(node.enabled) !== showThreads(sorted)) {
        throw new ThreadNondeterminismError(k, "the set of enabled threads", showThreads(node.enabled), showThreads(sorted));
      }
      this.step++;
      this.chosen = true;
      return node.taken;
    }
    if (sorted.length === 0) return undefined;
    const sleep = this.inheritedSleep(k);
    const awake = sorted.filter((t) => !sleep.has(t));
    if (awake.length === 0) {
      this.blocked = true;
      return undefined;
    }
    // Run on with the previous thread when it may: the first schedule is then preemption-free.
    const prev = k > 0 ? this.hb.events[k - 1]!.thread : -1;
    const taken = awake.includes(prev) ? prev : awake[0]!;
    this.nodes.push({ enabled: sorted, sleep, backtrack: new Set([taken]), done: new Map(), taken });
    this.step++;
    this.chosen = true;
    return taken;
  }

  private executed(access: Access): void {
    if (!this.chosen) throw new Error("DporExplorer: executed() without a thread chosen by next()");
    this.chosen = false;
    const k = this.step - 1;
    if (k < this.hb.length) {
      const before = this.hb.events[k]!.access;
      if (before.object !== access.object || before.kind !== access.kind) {
        throw new ThreadNondeterminismError(k, `thread ${this.nodes[k]!.taken}'s access`, showAccess(before), showAccess(access));
      }
      return;
    }
    this.hb.push({ thread: this.nodes[k]!.taken, access: copyAccess(access) });
  }

  /** The sleep set at point k: the parent's sleep and done threads whose event is independent of the parent's event. */
  private inheritedSleep(k: number): Map<ThreadNo, Access> {
    const sleep = new Map<ThreadNo, Access>();
    if (k === 0) return sleep;
    const parent = this.nodes[k - 1]!;
    const taken = this.hb.events[k - 1]!.access;
    for (const [t, a] of [...parent.sleep, ...parent.done]) if (!dependent(a, taken)) sleep.set(t, a);
    return sleep;
  }

  runDone(): void {
    if (!this.active) throw new Error("DporExplorer.runDone() without a run begun");
    this.active = false;
    if (this.chosen) {
      throw new Error(
        `DporExplorer: the run ended after next() chose thread ${this.nodes[this.step - 1]!.taken} at step ${this.step - 1} ` +
          "without executed(): end a run only between steps",
      );
    }
    if (this.step < this.nodes.length) {
      throw new ThreadNondeterminismError(this.step, "the run's length", `at least ${this.nodes.length} steps`, `${this.step} steps`);
    }
    if (this.blocked) this.counts.sleepBlocked++;
    else this.counts.schedules++;
    for (let j = this.fresh; j < this.hb.length; j++) this.reverseRacesOf(j);
    for (const w of this.waits) this.reverseBlockedLock(w.at, w.thread, w.access);
    this.waits = [];
    this.backtrack();
  }

  private backtrack(): void {
    while (this.nodes.length > 0) {
      const d = this.nodes.length - 1;
      const node = this.nodes[d]!;
      node.done.set(node.taken, this.hb.events[d]!.access);
      const nextThread = [...node.backtrack]
        .filter((t) => !node.done.has(t) && !node.sleep.has(t))
        .sort((a, b) => a - b)[0];
      if (nextThread !== undefined) {
        node.taken = nextThread;
        this.hb.truncate(d);
        this.fresh = d;
        this.waits = [];
        return;
      }
      this.nodes.pop();
    }
    this.hb.truncate(0);
    this.done = true;
  }

  /** Every i < j in a race with j (see the header), each reversed at i's point. */
  private reverseRacesOf(j: number): void {
    const ev = this.hb.events;
    const ej = ev[j]!;
    const prevQ = this.hb.prevOfThread[j]!;
    const seenBefore = (i: number) => prevQ >= 0 && this.hb.hb(i, prevQ);
    if (ej.access.kind === "local" || ej.access.kind === "unlock") return;
    if (ej.access.kind === "lock") {
      this.reverseBlockedLock(j, ej.thread, ej.access, prevQ);
      return;
    }
    // Direct predecessors of j (dependent, other thread) later than the candidate i: i races with
    // j only if it happens-before none of them.
    const later: number[] = [];
    for (let i = j - 1; i >= 0; i--) {
      const e = ev[i]!;
      if (e.thread === ej.thread || !dependent(e.access, ej.access)) continue;
      if (!seenBefore(i) && !later.some((d) => this.hb.hb(i, d))) this.reverse(i, j, ej, prevQ);
      later.push(i);
    }
  }

  /**
   * A lock of `m` by q at position `at` (executed there, or wanted there by a thread blocked on
   * m) races with the previous lock of m by another thread unless q had already seen that one.
   * The blocked case is what finds the other order of two sections a deadlock cut short.
   */
  private reverseBlockedLock(at: number, q: ThreadNo, access: Access, prevQ = this.lastOfThreadBefore(q, at)): void {
    for (let i = at - 1; i >= 0; i--) {
      const e = this.hb.events[i]!;
      if (e.access.kind !== "lock" || e.access.object !== access.object) continue;
      if (e.thread !== q && !(prevQ >= 0 && this.hb.hb(i, prevQ))) this.reverse(i, at, { thread: q, access }, prevQ);
      return;
    }
  }

  private lastOfThreadBefore(q: ThreadNo, at: number): number {
    for (let k = at - 1; k >= 0; k--) if (this.hb.events[k]!.thread === q) return k;
    return -1;
  }

  /**
   * Makes sure a schedule starting like notdep(i).e is explored from i's point, where e (by a
   * thread whose previous event is prevQ) is the event at position `end` — executed there, or a
   * blocked lock that wanted to run there.
   */
  private reverse(i: number, end: number, e: ThreadEvent, prevQ: number): void {
    const ev = this.hb.events;
    const v: number[] = [];
    for (let k = i + 1; k < end; k++) if (!this.hb.hb(i, k)) v.push(k);
    // e's predecessors once i (and what follows it) is gone: its thread's past, and its
    // dependent events inside v.
    const depInV = v.filter((d) => ev[d]!.thread !== e.thread && dependent(ev[d]!.access, e.access));
    const beforeE = (k: number) => (prevQ >= 0 && this.hb.hb(k, prevQ)) || depInV.some((d) => this.hb.hb(k, d));
    const initials = new Set<ThreadNo>();
    for (let x = 0; x < v.length; x++) {
      if (!v.slice(0, x).some((p) => this.hb.hb(p, v[x]!))) initials.add(ev[v[x]!]!.thread);
    }
    if (!v.some(beforeE)) initials.add(e.thread);
    const node = this.nodes[i]!;
    for (const t of initials) if (node.backtrack.has(t) || node.sleep.has(t)) return;
    const runnable = [...initials].filter((t) => node.enabled.includes(t)).sort((a, b) => a - b);
    if (runnable.length > 0) node.backtrack.add(runnable[0]!);
    else {
      this.counts.conservativeReversals++;
      for (const t of node.enabled) node.backtrack.add(t);
    }
  }
}
