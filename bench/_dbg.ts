import { AtomicCell, defineScenario, explore, runScenario } from "wakesim";
import { PctStrategy } from "wakesim/explore";
const sc = defineScenario({ name: "racy", setup(sim) {
  const n = new AtomicCell(0, "n"); let finished = 0;
  for (const name of ["a", "b"]) sim.thread(function* () { const v = yield* n.load(); yield* n.store(v + 1); finished++; }, { name });
  sim.invariant("both", () => finished < 2 || n.peek() === 2);
}});
const st = new PctStrategy(3, { depth: 3 });
for (let i = 0; i < 6; i++) { const p = st.nextRun(i); const o = runScenario(sc, { chooser: p.chooser }); st.runDone(o); console.log(i, o.ok, o.choices, (p.chooser as any).changePoints, st.stats()); }
