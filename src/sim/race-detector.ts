/**
 * RaceDetector: data races on DataCells (threads/data-cell.ts) in a run with threads, by vector
 * clocks over the steps as they run (the happens-before of Lamport 1978; the per-location
 * last-write and read epochs of FastTrack, Flanagan & Freund, PLDI 2009, without its epoch
 * compression).
 *
 * Rules:
 *  1. Every thread (worker, reactor, sim.thread) has a clock; each of its steps ticks its own entry.
 *  2. Synchronization: a step that touches a synchronizing object — an atomic cell (any op:
 *     accesses are sequentially consistent), a mutex, a condition variable, a park/unpark, the
 *     scheduler (a wake, a poll's start and return), a thread's creation, or "everything" (a
 *     plain poll, an event delivery) — joins the object's clock into the thread's and the
 *     thread's back into the object's: everything before it happens before everything after
 *     the next step that touches the same object. Local points synchronize nothing.
 *  3. A DataCell read races with the cell's last write by another thread that does not happen
 *     before it; a write races with that write and with every read since it by another thread
 *     that does not happen before it. The first race of a run is reported (one per cell).
 * Tracked only in runs that made a DataCell (`dataCellsExist`), so other runs pay nothing.
 */
import type { Access, ObjectId } from "../chooser/access.js";
import type { Violation } from "../oracles/violation.js";

type Clock = number[];

interface Epoch {
  readonly thread: number;
  readonly tick: number;
  readonly who: string;
  readonly step: number;
}

interface CellHistory {
  write: Epoch | null;
  reads: Map<number, Epoch>;
}

const join = (into: Clock, other: Clock): void => {
  for (let i = 0; i < other.length; i++) if ((other[i] ?? 0) > (into[i] ?? 0)) into[i] = other[i]!;
};

export class RaceDetector {
  private readonly clocks: Clock[] = [];
  private readonly objects = new Map<ObjectId, Clock>();
  private readonly cells = new Map<ObjectId, CellHistory>();
  private readonly reported = new Set<ObjectId>();

  /** Rule 1: thread `t` takes a step (before its accesses are checked and synchronized). */
  tick(t: number): void {
    const c = (this.clocks[t] ??= []);
    c[t] = (c[t] ?? 0) + 1;
  }

  /** Rule 2: the step of thread `t` synchronizes on each access but a plain data one. */
  step(t: number, accesses: readonly Access[], nonAtomic: boolean): Clock {
    const c = (this.clocks[t] ??= []);
    accesses.forEach((a, i) => {
      if (a.kind === "local" || (i === 0 && nonAtomic)) return;
      const o = this.objects.get(a.object);
      if (o === undefined) this.objects.set(a.object, [...c]);
      else {
        join(c, o);
        join(o, c);
      }
    });
    return c;
  }

  /** Rule 3: a DataCell access by thread `t` (named `who`) at `step`; a violation if it races. */
  access(t: number, who: string, a: Access, step: number, time: number): Violation | null {
    const c = (this.clocks[t] ??= []);
    const h = this.cells.get(a.object) ?? { write: null, reads: new Map<number, Epoch>() };
    this.cells.set(a.object, h);
    const me: Epoch = { thread: t, tick: c[t]!, who, step };
    const unordered = (e: Epoch | null): e is Epoch => e !== null && e.thread !== t && e.tick > (c[e.thread] ?? 0);
    let race: Epoch | null = null;
    let earlier = "write";
    if (unordered(h.write)) race = h.write;
    if (a.kind === "write") {
      if (race === null) {
        for (const r of h.reads.values()) {
          if (unordered(r)) {
            race = r;
            earlier = "read";
            break;
          }
        }
      }
      h.write = me;
      h.reads.clear();
    } else h.reads.set(t, me);
    if (race === null || this.reported.has(a.object)) return null;
    this.reported.add(a.object);
    const now = a.kind === "write" ? "write" : "read";
    return {
      kind: "data-race",
      cell: String(a.object),
      first: { thread: race.who, access: earlier, step: race.step },
      second: { thread: who, access: now, step },
      tasks: [],
      step,
      time,
      message:
        `data race on ${String(a.object)}: ${who}'s ${now} at step ${step} and ${race.who}'s ${earlier} at step ${race.step} are not ordered — ` +
        "nothing synchronizes them (no atomic op, lock, wake or thread start between the two), so on real hardware they may overlap or be reordered",
    };
  }
}
