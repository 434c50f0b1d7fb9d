/**
 * SimMutex and CondVar: a lock and a condition variable for simulated threads and preemptible
 * polls. Each operation is an atomic step (step-op.ts); a `lock` of a held mutex blocks its
 * thread until the holder unlocks (rule 3 there). Not re-entrant: a thread locking a mutex it
 * holds waits forever, and the run reports it blocked.
 *
 * CondVar.wait(m) is three steps, in the order that loses no notification: (1) join the waiters,
 * (2) unlock m, (3) wait for a notification, then lock m again. A notify between (1) and (3) is
 * kept. There are no spurious wakeups (a real condition variable may have them: loop anyway).
 */
import { newObjectId, op, type StepOp, type StepThread, type Steps } from "./step-op.js";

export class SimMutex {
  readonly id: string;
  #owner: StepThread | null = null;

  constructor(name?: string) {
    this.id = newObjectId("mutex", name);
  }

  /** The holder's name, or null (outside any step: for invariants and reports). */
  get holder(): string | null {
    return this.#owner?.name ?? null;
  }

  *lock(): Steps<void> {
    const holder = () => this.#owner?.name ?? "nobody";
    const id = this.id;
    const o: StepOp = {
      access: { object: id, kind: "lock" },
      label: `lock ${id}`,
      ready: () => this.#owner === null,
      get waitsFor() {
        return `lock ${id} (held by ${holder()})`;
      },
    };
    this.#owner = yield o;
  }

  *unlock(): Steps<void> {
    const me = yield op(this.id, "unlock", `unlock ${this.id}`);
    if (this.#owner === null || this.#owner.no !== me.no) {
      throw new Error(`${me.name} unlocked ${this.id}, which ${this.#owner === null ? "nobody held" : `${this.#owner.name} holds`}: unlock only a mutex you locked`);
    }
    this.#owner = null;
  }

  /** Runs `body` holding the lock. */
  *withLock<R>(body: () => Steps<R>): Steps<R> {
    yield* this.lock();
    const r = yield* body();
    yield* this.unlock();
    return r;
  }
}

export class CondVar {
  readonly id: string;
  /** Threads waiting, in arrival order; `true` once notified. */
  readonly #waiters = new Map<number, boolean>();

  constructor(name?: string) {
    this.id = newObjectId("condvar", name);
  }

  /** Releases `m`, waits for a notification, and locks `m` again (see the header). */
  *wait(m: SimMutex): Steps<void> {
    const me = yield op(this.id, "write", `wait ${this.id}`);
    this.#waiters.set(me.no, false);
    yield* m.unlock();
    const o: StepOp = {
      access: { object: this.id, kind: "rmw" },
      label: `woken by ${this.id}`,
      ready: () => this.#waiters.get(me.no) === true,
      waitsFor: `a notification of ${this.id}`,
    };
    yield o;
    this.#waiters.delete(me.no);
    yield* m.lock();
  }

  *notifyOne(): Steps<void> {
    yield op(this.id, "write", `notifyOne ${this.id}`);
    for (const [no, notified] of this.#waiters) {
      if (!notified) {
        this.#waiters.set(no, true);
        return;
      }
    }
  }

  *notifyAll(): Steps<void> {
    yield op(this.id, "write", `notifyAll ${this.id}`);
    for (const no of this.#waiters.keys()) this.#waiters.set(no, true);
  }
}
