/**
 * AtomicCell: a shared memory word of the simulation, sequentially consistent. Every operation
 * is one atomic step and a preemption point (step-op.ts): `yield* cell.load()`.
 *
 * Access kinds (what partial-order reduction reasons about, thread-access.ts): load is a read;
 * store a write; swap and the fetch-ops a read-modify-write; compare-exchange a read-modify-write
 * when it succeeds and a read when it fails (it wrote nothing).
 */
import type { AccessKind } from "../chooser/access.js";
import { newObjectId, type StepOp, type Steps } from "./step-op.js";

/** One op on a cell; its label is made only when asked (traces and reports), not on every step. */
class CellOp implements StepOp {
  readonly access: { object: string; kind: AccessKind };
  constructor(
    object: string,
    kind: AccessKind,
    private readonly verb: string,
    private readonly args: readonly unknown[] = [],
  ) {
    this.access = { object, kind };
  }
  get label(): string {
    const [a, b] = this.args;
    if (this.verb === "compareExchange") return `compareExchange ${this.access.object} ${show(a)} → ${show(b)}`;
    return this.args.length === 0 ? `${this.verb} ${this.access.object}` : `${this.verb} ${this.access.object} ← ${show(a)}`;
  }
}

/** What `compareExchange` answers, as Rust's `Result<T, T>`: the value seen, and whether it was replaced. */
export interface CompareExchangeResult<T> {
  readonly ok: boolean;
  /** The value before the operation (equal to `expected` exactly when `ok`). */
  readonly previous: T;
}

export class AtomicCell<T> {
  readonly id: string;
  #value: T;

  constructor(initial: T, name?: string) {
    this.#value = initial;
    this.id = newObjectId("cell", name);
  }

  /** The value, read outside any step: for invariants, assertions and reports only (not a preemption point). */
  peek(): T {
    return this.#value;
  }

  *load(): Steps<T> {
    yield new CellOp(this.id, "read", "load");
    return this.#value;
  }

  *store(value: T): Steps<void> {
    yield new CellOp(this.id, "write", "store", [value]);
    this.#value = value;
  }

  *swap(value: T): Steps<T> {
    yield new CellOp(this.id, "rmw", "swap", [value]);
    const old = this.#value;
    this.#value = value;
    return old;
  }

  /** Replaces the value with `value` if it is `expected` (compared with `Object.is`). */
  *compareExchange(expected: T, value: T): Steps<CompareExchangeResult<T>> {
    const o = new CellOp(this.id, "rmw", "compareExchange", [expected, value]);
    yield o;
    const previous = this.#value;
    if (!Object.is(previous, expected)) {
      o.access.kind = "read"; // step-op.ts rule 4: a failed compare-exchange wrote nothing
      return { ok: false, previous };
    }
    this.#value = value;
    return { ok: true, previous };
  }

  /** Applies `f` to the value in one step (a read-modify-write); returns the value before. */
  *update(f: (value: T) => T, label = "update"): Steps<T> {
    yield new CellOp(this.id, "rmw", label);
    const old = this.#value;
    this.#value = f(old);
    return old;
  }

  /** Numbers only: adds `n`, returns the value before. */
  fetchAdd(this: AtomicCell<number>, n: number): Steps<number> {
    return this.update((v) => v + n, `fetchAdd(${n})`);
  }

  fetchSub(this: AtomicCell<number>, n: number): Steps<number> {
    return this.update((v) => v - n, `fetchSub(${n})`);
  }

  /** Bit operations on integer words (32-bit, as JavaScript's `|`, `&` and `^`). */
  fetchOr(this: AtomicCell<number>, bits: number): Steps<number> {
    return this.update((v) => v | bits, `fetchOr(${bits})`);
  }

  fetchAnd(this: AtomicCell<number>, bits: number): Steps<number> {
    return this.update((v) => v & bits, `fetchAnd(${bits})`);
  }

  fetchXor(this: AtomicCell<number>, bits: number): Steps<number> {
    return this.update((v) => v ^ bits, `fetchXor(${bits})`);
  }
}

function show(v: unknown): string {
  if (typeof v === "object" && v !== null) return (v as { constructor?: { name?: string } }).constructor?.name ?? "object";
  return String(v);
}
