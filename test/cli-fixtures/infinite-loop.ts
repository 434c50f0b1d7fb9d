/**
 * A scenario whose poll never returns on some schedules: `spinner` busy-waits for a flag that only
 * `setter` sets — fine when spinner's first poll sees it already set, an infinite loop in a poll
 * when spinner runs first (nothing else can run while its poll spins). For the watchdog test.
 */
import { defineScenario, ready, type Context, type Poll } from "wakesim";

export default defineScenario({
  name: "infinite-loop",
  setup(sim) {
    let flag = false;
    sim.spawn(
      {
        poll(_cx: Context): Poll<void> {
          flag = true;
          return ready();
        },
      },
      { name: "setter" },
    );
    sim.spawn(
      {
        poll(_cx: Context): Poll<void> {
          // BUG: a spin-wait inside poll: when setter has not run yet, this never returns.
          while (!flag) {
            /* spin */
          }
          return ready();
        },
      },
      { name: "spinner" },
    );
  },
});
