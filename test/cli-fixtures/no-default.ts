/** A scenario file that forgot `export default`: the CLI must say so and exit 2. */
import { defineScenario } from "wakesim";

export const forgotten = defineScenario({ name: "forgotten", setup() {} });
