/**
 * A scenario whose first poll never returns, and says so on stderr just before it starts
 * spinning (a synchronous write on Linux), so that test/cli-watchdog.test.ts can signal the
 * command while the poll is known to be hanging.
 */
import { defineScenario, type Context, type Poll } from "wakesim";

export default defineScenario({
  name: "spin-forever",
  setup(sim) {
    sim.spawn(
      {
        label: "busy-loop",
        poll(_cx: Context): Poll<void> {
          process.stderr.write("spin-forever: spinning\n");
          for (;;) {
            /* BUG: never returns */
          }
        },
      },
      { name: "busy" },
    );
  },
});
