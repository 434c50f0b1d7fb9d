import { explore } from "wakesim";
import { sharedNoAwakenState, sharedCorrect } from "../fixtures/threads/shared.js";
import { timerNextWakeScenario } from "../fixtures/threads/timer-next-wake.js";
const r1 = explore(sharedNoAwakenState, { strategy: "dpor", runs: 100000 }); console.log("shared dpor", r1.runs, r1.failure?.violation.kind);
const r2 = explore(sharedCorrect, { strategy: "dpor", runs: 200000 }); console.log("shared correct dpor", r2.ok, r2.runs, r2.exhausted, r2.stats);
const sc = timerNextWakeScenario("publish-after-unlock", { cancel: "in-poll" });
for (const s of ["pct", "random", "portfolio", "dpor"] as const) { const r = explore(sc, { strategy: s, runs: 20000 }); console.log("in-poll", s, r.runs, r.failure?.violation.kind); }
