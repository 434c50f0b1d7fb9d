/** Two scenarios of one file with the same name: a token could not say which, so loading it is an error. */
import { defineScenario } from "wakesim";

export default defineScenario({ name: "twin", setup() {} });
export const other = defineScenario({ name: "twin", setup() {} });
