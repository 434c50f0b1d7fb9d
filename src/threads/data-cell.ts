/**
 * DataCell: plain (non-atomic) shared memory, as Rust's `UnsafeCell` — data that correct code
 * protects by other means (a mutex, a state word that hands ownership over, a join). Reads and
 * writes are steps like any other (the explorers order them), and the run checks each against
 * the happens-before order of the steps before it (sim/race-detector.ts): two accesses of one
 * DataCell by different threads, at least one a write, with no synchronization between them
 * (an atomic op, a mutex, a wake and the poll it causes, a thread's creation) are a data race.
 */
import { newObjectId, type StepOp, type Steps } from "./step-op.js";

export class DataCell<T> {
  readonly id: string;
  #value: T;

  constructor(initial: T, name?: string) {
    this.#value = initial;
    this.id = newObjectId("data", name);
    dataCellsMade++;
  }

  /** The value, read outside any step (for invariants and reports; not checked for races). */
  peek(): T {
    return this.#value;
  }

  *read(): Steps<T> {
    const o: StepOp = { access: { object: this.id, kind: "read" }, label: `read ${this.id}`, nonAtomic: true };
    yield o;
    return this.#value;
  }

  *write(value: T): Steps<void> {
    const o: StepOp = { access: { object: this.id, kind: "write" }, label: `write ${this.id}`, nonAtomic: true };
    yield o;
    this.#value = value;
  }
}

let dataCellsMade = 0;

/** Whether any DataCell was made since `resetDataCells` (a run tracks happens-before only then). */
export function dataCellsExist(): boolean {
  return dataCellsMade > 0;
}

/** Called with resetObjectIds when a Sim is made. */
export function resetDataCells(): void {
  dataCellsMade = 0;
}
