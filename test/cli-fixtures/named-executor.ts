/** A scenario whose options name a built-in executor: `--executor E` replaces it, with a note. */
import { defineScenario, yieldNow, asyncBlock } from "wakesim";

export default defineScenario({
  name: "named-executor",
  options: { executor: "fifo" },
  setup(sim) {
    sim.spawn(asyncBlock(function* () {
      yield* yieldNow();
    }), { name: "a" });
  },
});
