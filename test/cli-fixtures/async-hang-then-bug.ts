/**
 * hang-then-bug.ts's two bugs in async functions, for the watchdog's tests of runs with async
 * tasks: four tasks each wait a timer of 1 ms (their order at that instant is the chooser's) and
 * log their name. `loader` spins without awaiting when the three others ran before it in one order (code that
 * never gives the event loop back); `saver` throws when it runs last after the others ran in
 * reverse order. The hang comes first with the default exploration: one that stopped at it would
 * never see the panic.
 */
import { defineScenario } from "wakesim";

const tick = () => new Promise<void>((r) => setTimeout(r, 1));

export default defineScenario({
  name: "async-hang-then-bug",
  setup(sim) {
    const log: string[] = [];
    const step = (name: string, after?: () => Promise<void> | void) =>
      sim.spawn(
        async () => {
          await tick();
          await after?.();
          log.push(name);
        },
        { name },
      );
    step("parser");
    step("indexer");
    step("loader", () => {
      // BUG: waits without awaiting for a flag nobody can set while it spins.
      while (log.join(",") === "saver,indexer,parser") {
        /* spin */
      }
    });
    step("saver", () => {
      if (log.join(",") === "loader,indexer,parser") throw new Error("saved before the index was flushed");
    });
  },
});
