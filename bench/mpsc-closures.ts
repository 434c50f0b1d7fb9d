/**
 * fixtures/mpsc.ts's correct scenario written the slow way, kept for `npm run bench:workers`:
 * its tasks are `asyncBlock(function* () { … })` made inside setup, so every run starts
 * brand-new generator functions (fixtures/mpsc.ts makes them once, at module level). The two
 * make exactly the same runs — the bench checks that their step counts agree — and differ only
 * in what V8 does with them: it gives each new generator function its own hidden class, which
 * points back at the function and so at the run's state, so every run's objects survive the
 * young-generation collections and are copied into the old generation (README: "Fast scenarios").
 */
import { asyncBlock, defineScenario, yieldNow, type Scenario } from "wakesim";
import { Channel, CLOSED } from "../fixtures/mpsc.js";

interface Msg {
  readonly from: string;
  readonly seq: number;
}

function mpscScenario(name: string, make: () => Channel<Msg>): Scenario {
  return defineScenario({
    name,
    setup(sim) {
      const ch = make();
      const producers = { p1: 3, p2: 3, p3: 2 } as const;
      const accepted = new Map<string, number[]>();
      const received = new Map<string, number[]>();
      for (const p of Object.keys(producers)) {
        accepted.set(p, []);
        received.set(p, []);
      }
      let rxSawClosed = false;

      sim.invariant("per sender, messages are received exactly once and in order (a prefix of those accepted)", () => {
        for (const [p, got] of received) {
          const acc = accepted.get(p)!;
          if (got.length > acc.length || got.some((s, i) => acc[i] !== s)) return false;
        }
        return true;
      });
      sim.invariant("once the receiver saw CLOSED, every accepted message was received", () => {
        if (!rxSawClosed) return true;
        for (const [p, acc] of accepted) if (received.get(p)!.length !== acc.length) return false;
        return true;
      });

      const produce = (from: string, count: number) =>
        asyncBlock(function* () {
          for (let seq = 0; seq < count; seq++) {
            const r = yield* ch.send({ from, seq });
            if (r === CLOSED) return "closed";
            accepted.get(from)!.push(seq); // same poll as the push: the receiver cannot run between
          }
          return "sent all";
        });
      sim.spawn(produce("p1", producers.p1), { name: "p1" });
      sim.spawn(produce("p2", producers.p2), { name: "p2" });
      const p3 = sim.spawn(produce("p3", producers.p3), { name: "p3", cancellable: true });
      // Awaits the cancellable producer. It also keeps a cancelled task from being the last to
      // finish: the harness currently ends such a run "quiescent" with no violation.
      sim.spawn(asyncBlock(function* () {
        const o = yield* p3;
        if (o.kind === "panicked") throw new Error(`p3 panicked: ${o.message}`);
        return o.kind;
      }), { name: "supervisor" });

      sim.spawn(asyncBlock(function* () {
        for (;;) {
          const m = yield* ch.recv();
          if (m === CLOSED) {
            rxSawClosed = true;
            return;
          }
          received.get(m.from)!.push(m.seq);
        }
      }), { name: "rx" });

      sim.spawn(asyncBlock(function* () {
        for (let i = 0; i < 4; i++) yield* yieldNow();
        ch.close();
      }), { name: "closer" });
    },
  });
}


export default mpscScenario("mpsc-correct", () => new Channel<Msg>({ capacity: 1 }));
