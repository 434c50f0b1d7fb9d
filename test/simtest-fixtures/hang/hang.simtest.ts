// A simTest whose poll never returns on some schedules; run by test/cli-watchdog.test.ts. Without
// simTest's watchdog, this file hangs the test run.
import { simTest } from "wakesim/vitest";
import hangThenBug from "../../cli-fixtures/hang-then-bug.js";

simTest("the loader never spins", hangThenBug, { runs: 500, watchdogMs: 1000 });
