/**
 * A promise chain that never waits for a timer: `poller` awaits in a loop until a flag that only
 * `setter`'s timer would set — but its reactions keep the microtask queue busy, so no later step
 * (the timer) ever comes. Every run hangs after its first steps.
 */
import { defineScenario } from "wakesim";

export default defineScenario({
  name: "async-livelock",
  setup(sim) {
    let done = false;
    sim.spawn(
      async () => {
        await new Promise<void>((r) => setTimeout(r, 5));
        done = true;
      },
      { name: "setter" },
    );
    sim.spawn(
      async () => {
        await new Promise<void>((r) => setTimeout(r, 1));
        while (!done) await null; // BUG: never yields to the event loop
      },
      { name: "poller" },
    );
  },
});
