/**
 * A notifier whose bug can be switched on from the environment (read once, when the file loads):
 * with WAKESIM_CLI_FIXTURE_BUG=1 a notify that finds no waiter is lost (as fixtures/example.ts);
 * without it the notify leaves a permit. The CLI tests use it for "found, then fixed": fuzz with
 * the bug writes a corpus entry, and `check` without it must replay that entry as passing.
 */
import { asyncBlock, defineScenario, FutureBase, PENDING, ready, sleep, WakerSlot, type Context, type Poll } from "wakesim";

const BUGGY = process.env.WAKESIM_CLI_FIXTURE_BUG === "1";

class Notify {
  private readonly waiter = new WakerSlot();
  private permit = false;

  notify(): void {
    if (!BUGGY || this.waiter.isRegistered) {
      this.permit = true;
      this.waiter.wake();
    }
  }

  notified(): FutureBase<void> {
    const self = this;
    return new (class extends FutureBase<void> {
      readonly label = "notified";
      poll(cx: Context): Poll<void> {
        if (self.permit) return ready();
        self.waiter.register(cx);
        return PENDING;
      }
    })();
  }
}

export default defineScenario({
  name: "cli-toggle-notify",
  setup(sim) {
    const n = new Notify();
    sim.spawn(
      asyncBlock(function* () {
        yield* sleep(1);
        yield* n.notified();
      }),
      { name: "waiter" },
    );
    sim.spawn(
      asyncBlock(function* () {
        yield* sleep(1);
        n.notify();
      }),
      { name: "notifier" },
    );
  },
});
