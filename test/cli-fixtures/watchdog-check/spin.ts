// check's scenario directory for test/cli-watchdog.test.ts: a scenario whose poll hangs on some schedules.
export { default } from "../infinite-loop.js";
