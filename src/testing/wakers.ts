/**
 * Wakers and contexts for polling a future outside any task (futures-test's `noop_waker`,
 * `new_count_waker`, `panic_waker`, and their contexts): a noop waker, a counting waker, a
 * panicking waker, and one made of your own functions.
 *
 * Invariants:
 *  1. The waker of a standalone context behaves as a borrowed `cx.waker` that never expires: its
 *     `wake()` does not consume it, so the same context can poll again and again; its clones are
 *     owned as usual (a consumed or dropped clone used again throws WakerMisuseError).
 *  2. Each function makes a waker of its own target: `willWake` is true only between it and its
 *     clones, never with a task's waker — so a future that keeps the latest waker replaces it.
 *  3. Clones are counted (`clones`, `held`) exactly as a task counts them, through the same
 *     hook calls (waker.ts), so a leak is visible here too.
 */
import { asTaskId } from "../core/ids.js";
import { Context } from "../future/context.js";
import type { WakeHook, Waker as WakerT, WakerMisuse, WakeTarget } from "../waker/waker.js";
import { Waker } from "../waker/waker.js";
import { MockRuntime } from "./mock-runtime.js";

/** What a counting waker has seen (futures-test's `AwokenCount`, with clones). */
export interface WakeCounts {
  /** Wakes through the waker or any clone (wake and wakeByRef). */
  readonly wakes: number;
  /** Clones made. */
  readonly clones: number;
  /** Clones made and not yet consumed by wake() or dropped. */
  readonly held: number;
}

/** Functions a waker made by `wakerFrom` calls (all optional). */
export interface WakerFunctions {
  wake?(): void;
  clone?(): void;
  /** A clone was released: consumed by wake() (`woken`) or dropped. */
  release?(woken: boolean): void;
}

/** Thrown by a panicking waker: the future woke when the test said it must not. */
export class UnexpectedWakeError extends Error {
  override readonly name = "UnexpectedWakeError";
}

/** Standalone wakers get ids from the top of the range, far from any mock task's. */
let nextStandaloneId = 1_000_000;

class FunctionHook implements WakeHook, WakeCounts {
  wakes = 0;
  clones = 0;
  held = 0;

  constructor(private readonly fns: WakerFunctions) {}

  wake(): void {
    this.wakes++;
    this.fns.wake?.();
  }

  wakerCloned(): void {
    this.clones++;
    this.held++;
    this.fns.clone?.();
  }

  wakerReleased(_t: WakeTarget, _w: WakerT, woken: boolean): void {
    this.held--;
    this.fns.release?.(woken);
  }

  wakerMisused(_t: WakeTarget, _w: WakerT, _m: WakerMisuse, _message: string): void {
    // The waker throws WakerMisuseError itself; there is no run to report it to.
  }

  wakersPerPoll(): boolean {
    return false;
  }
}

function standalone(name: string, fns: WakerFunctions): { waker: Waker; counts: WakeCounts } {
  const hook = new FunctionHook(fns);
  const target: WakeTarget = { id: asTaskId(nextStandaloneId++), name, hook, cloneSerial: 0 };
  return { waker: new Waker(target, 1, true, 0), counts: hook }; // rule 1: borrowed, never expired
}

/** A waker that does nothing when woken (futures-test `noop_waker`). */
export function noopWaker(): Waker {
  return standalone("noop-waker", {}).waker;
}

/** A waker that counts its wakes and clones (futures-test `new_count_waker`); read `counts` as it goes. */
export function countingWaker(): { waker: Waker; counts: WakeCounts } {
  return standalone("counting-waker", {});
}

/**
 * A waker that throws UnexpectedWakeError when woken (futures-test `panic_waker`): poll with it
 * to assert that a poll does not wake its task. Cloning and dropping are allowed.
 */
export function panickingWaker(): Waker {
  return standalone("panicking-waker", {
    wake() {
      throw new UnexpectedWakeError("the panicking waker was woken: this poll (or something it registered with) woke its task, which the test said must not happen");
    },
  }).waker;
}

/** A waker made of your own functions (futures' `task::waker(ArcWake)`): `wake`, `clone`, `release`. */
export function wakerFrom(fns: WakerFunctions, name = "custom-waker"): { waker: Waker; counts: WakeCounts } {
  return standalone(name, fns);
}

/** A Context around `waker` with a runtime of its own (MockRuntime: plain choices, a clock that moves only by `advance`). */
export function contextOf(waker: Waker, runtime: MockRuntime = new MockRuntime()): Context {
  return new Context(waker, runtime);
}

/** A context whose waker does nothing (futures-test `noop_context`). */
export function noopContext(): Context {
  return contextOf(noopWaker());
}

/** A context whose waker throws when woken (futures-test `panic_context`). */
export function panicContext(): Context {
  return contextOf(panickingWaker());
}
