/**
 * A scenario with two bugs on two rare schedules, for the watchdog tests: four tasks each finish
 * in one poll and log their name. `loader`'s poll spin-waits (never returns) when the three
 * others all ran before it; `saver` panics when it runs last after the others ran in reverse
 * order. With seed 0 the hang comes first (run 3 in-process, portfolio): an exploration that
 * stopped at the hang would never see the panic.
 */
import { defineScenario, ready, type Context, type Poll } from "wakesim";

export default defineScenario({
  name: "hang-then-bug",
  setup(sim) {
    const log: string[] = [];
    const step = (name: string, poll?: () => void) =>
      sim.spawn(
        {
          label: `${name}-step`,
          poll(_cx: Context): Poll<void> {
            poll?.();
            log.push(name);
            return ready();
          },
        },
        { name },
      );
    step("parser");
    step("indexer");
    step("loader", () => {
      // BUG: waits inside poll for a flag nobody can set while this poll runs.
      if (log.length === 3) while (log.length === 3) {
        /* spin */
      }
    });
    step("saver", () => {
      if (log.join(",") === "loader,indexer,parser") throw new Error("saved before the index was flushed");
    });
  },
});
