/** A thread whose code between two ops never ends (a spin on a value only it could change): the watchdog's case. */
import { AtomicCell, defineScenario } from "wakesim";

export default defineScenario({
  name: "thread-busy-loop",
  setup(sim) {
    const c = new AtomicCell(0, "c");
    sim.thread(function* () {
      yield* c.store(1);
      while (c.peek() === 1) {
        // spins: nothing else runs while this step runs
      }
    }, { name: "stuck" });
  },
});
