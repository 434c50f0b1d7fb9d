// A scenario that spawns no task (test/cli-session.test.ts): nothing is tested, and that must not pass.
import { defineScenario } from "wakesim";
export default defineScenario({ name: "no-task", setup() {} });
