// For test/cli-watchdog-async.test.ts: exploreAsync (no watchdog can stop it) on a promise chain
// that never waits — the stall notice must say so on stderr while the process hangs.
import { exploreAsync } from "wakesim";
import livelock from "./async-livelock.js";
await exploreAsync(livelock, { runs: 1 });
