/**
 * A multi-task scenario touching every part of the world: timers, a pipe with a producer and a
 * draining consumer, tasks spawned mid-run, join handles, select and timeout. Correct code, so
 * every run must complete under every schedule and fault.
 */
import { asyncBlock, defineScenario, join, select, sleep, timeout, yieldNow, EOF, RESET } from "wakesim";
import { Flag } from "./helpers.js";

export const mixedScenario = defineScenario({
  name: "mixed",
  setup(sim) {
    const { reader, writer } = sim.io.pipe({ capacity: 8, latencyTicks: 1 });
    const flag = new Flag();
    sim.spawn(asyncBlock(function* () {
      for (const msg of ["alpha;", "beta;", "gamma;"]) {
        const n = yield* writer.write(msg);
        if (n === RESET) return "reset";
        yield* sleep(2);
      }
      writer.close();
      return "sent";
    }), { name: "producer" });
    sim.spawn(asyncBlock(function* () {
      let got = "";
      for (;;) {
        const r = yield* reader.read(4);
        if (r === EOF || r === RESET) break;
        got += r;
      }
      flag.set();
      return got;
    }), { name: "consumer" });
    sim.spawn(asyncBlock(function* () {
      const kids = [3, 1, 2].map((d) => sim.spawn(asyncBlock(function* () {
        yield* sleep(d);
        yield* yieldNow();
        return d;
      }), { name: `kid${d}` }));
      const [a, b, c] = yield* join(kids[0]!, kids[1]!, kids[2]!);
      const r = yield* select(flag.wait(), sleep(50));
      const t = yield* timeout(sleep(100), 5);
      return [a.kind, b.kind, c.kind, r.index, t.timedOut];
    }), { name: "parent" });
  },
});
