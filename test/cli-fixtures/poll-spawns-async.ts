/**
 * A future whose poll spawns an async task (the setup spawns none): the exploration must be made
 * with exploreAsync, found out at the first run. The async task throws when the two timers of
 * 1 ms fire in the order the chooser may pick second.
 */
import { defineScenario, ready, type Context, type Poll } from "wakesim";

export default defineScenario({
  name: "poll-spawns-async",
  setup(sim) {
    let started = false;
    sim.spawn(
      {
        label: "starter",
        poll(_cx: Context): Poll<void> {
          if (!started) {
            started = true;
            const log: string[] = [];
            const after = (name: string) => new Promise<void>((r) => setTimeout(() => (log.push(name), r()), 1));
            sim.spawn(
              async () => {
                await Promise.all([after("a"), after("b")]);
                if (log[0] === "b") throw new Error("b before a");
              },
              { name: "checker" },
            );
          }
          return ready();
        },
      },
      { name: "starter" },
    );
  },
});
