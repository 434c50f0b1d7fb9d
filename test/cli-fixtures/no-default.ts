/** A scenario file that forgot `export default defineScenario(...)` (it exports a bare setup): the CLI must say so and exit 2. */
import type { Sim } from "wakesim";

export function setup(_sim: Sim): void {}
