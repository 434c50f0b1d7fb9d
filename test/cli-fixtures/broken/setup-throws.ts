// A scenario whose setup throws (test/cli-session.test.ts): reported with its stack, the other files still run.
import { defineScenario } from "wakesim";
function readConfig(): never {
  throw new Error("no config for the channel");
}
export default defineScenario({ name: "setup-throws", setup() { readConfig(); } });
