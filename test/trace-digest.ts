// Prints a digest of the traces of seeds [from, to) of the mixed scenario; run in a separate
// process by determinism.test.ts to show that traces do not depend on the process.
import { createHash } from "node:crypto";
import { formatTrace } from "wakesim/trace";
import { runScenario } from "wakesim";
import { mixedScenario } from "./mixed-scenario.js";

const [from, to] = process.argv.slice(2).map(Number) as [number, number];
const h = createHash("sha256");
for (let seed = from; seed < to; seed++) h.update(formatTrace(runScenario(mixedScenario, { seed, trace: true, faults: "all" }).trace!));
console.log(h.digest("hex"));
