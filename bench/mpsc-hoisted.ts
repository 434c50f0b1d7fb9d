/**
 * fixtures/mpsc.ts's correct scenario written the fast way: every generator function is made
 * once, at module level (`asyncFn`), and gets its state as arguments — instead of
 * `asyncBlock(function* () { … })` inside setup, which makes fresh generator closures on every
 * run. The two make exactly the same runs (the bench checks that their step counts agree); they
 * differ only in what V8 does with them. V8 gives each new generator closure its own hidden
 * class on its first call, and that class points back at the closure, so every run's objects
 * survive the next scavenges and are copied into the old generation: the closure style spends
 * much of its time in the garbage collector (see the README's "Fast scenarios").
 */
import { asyncFn, defineScenario, yieldNow, type JoinHandle, type Scenario } from "wakesim";
import { Channel, CLOSED } from "../fixtures/mpsc.js";

interface Msg {
  readonly from: string;
  readonly seq: number;
}

/** The bookkeeping the invariants read (one per run). */
interface Book {
  readonly accepted: Map<string, number[]>;
  readonly received: Map<string, number[]>;
  rxSawClosed: boolean;
}

const produce = asyncFn(function* (ch: Channel<Msg>, book: Book, from: string, count: number) {
  for (let seq = 0; seq < count; seq++) {
    const r = yield* ch.send({ from, seq });
    if (r === CLOSED) return "closed";
    book.accepted.get(from)!.push(seq);
  }
  return "sent all";
});

const supervise = asyncFn(function* (p3: JoinHandle<string>) {
  const o = yield* p3;
  if (o.kind === "panicked") throw new Error(`p3 panicked: ${o.message}`);
  return o.kind;
});

const receive = asyncFn(function* (ch: Channel<Msg>, book: Book) {
  for (;;) {
    const m = yield* ch.recv();
    if (m === CLOSED) {
      book.rxSawClosed = true;
      return;
    }
    book.received.get(m.from)!.push(m.seq);
  }
});

const closeSoon = asyncFn(function* (ch: Channel<Msg>) {
  for (let i = 0; i < 4; i++) yield* yieldNow();
  ch.close();
});

function inOrderPrefix(book: Book): boolean {
  for (const [p, got] of book.received) {
    const acc = book.accepted.get(p)!;
    if (got.length > acc.length || got.some((s, i) => acc[i] !== s)) return false;
  }
  return true;
}

function drainedWhenClosed(book: Book): boolean {
  if (!book.rxSawClosed) return true;
  for (const [p, acc] of book.accepted) if (book.received.get(p)!.length !== acc.length) return false;
  return true;
}

const scenario: Scenario = defineScenario({
  name: "mpsc-correct",
  setup(sim) {
    const ch = new Channel<Msg>({ capacity: 1 });
    const book: Book = { accepted: new Map(), received: new Map(), rxSawClosed: false };
    for (const p of ["p1", "p2", "p3"]) {
      book.accepted.set(p, []);
      book.received.set(p, []);
    }
    sim.invariant("per sender, messages are received exactly once and in order (a prefix of those accepted)", () => inOrderPrefix(book));
    sim.invariant("once the receiver saw CLOSED, every accepted message was received", () => drainedWhenClosed(book));
    sim.spawn(produce(ch, book, "p1", 3), { name: "p1" });
    sim.spawn(produce(ch, book, "p2", 3), { name: "p2" });
    const p3 = sim.spawn(produce(ch, book, "p3", 2), { name: "p3", cancellable: true });
    sim.spawn(supervise(p3), { name: "supervisor" });
    sim.spawn(receive(ch, book), { name: "rx" });
    sim.spawn(closeSoon(ch), { name: "closer" });
  },
});

export default scenario;
