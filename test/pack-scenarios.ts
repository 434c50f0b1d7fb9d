/**
 * The files test/pack.test.ts writes into its consumer projects: one scenario (a latch, correct
 * or with the lost wakeup) in each module form a user may write it in, and a vitest file.
 */

/** How a file's source is written: ESM or CommonJS syntax, TypeScript or not. */
export type Form = "esm-ts" | "esm-js" | "cjs-js";

/** A latch scenario named `name`; `buggy` forgets to wake the waiter on release. */
export function latchScenario(name: string, buggy: boolean, form: Form): string {
  const ts = form === "esm-ts";
  const t = (s: string) => (ts ? s : "");
  const names = "asyncFn, defineScenario, FutureBase, PENDING, ready, sleep, WakerSlot";
  const head =
    form === "cjs-js"
      ? `const { ${names} } = require("wakesim");\n`
      : `import { ${names} } from "wakesim";\n${t(`import type { Context, Poll } from "wakesim";\n`)}`;
  const body = `
class Latch {
  open = false;
  waiter = new WakerSlot();
  release()${t(": void")} {
    this.open = true;
    ${buggy ? "// BUG: the waiter is never woken" : "this.waiter.wake();"}
  }
}

class LatchWait extends FutureBase${t("<void>")} {
  ${ts ? "constructor(private readonly latch: Latch) {\n    super();\n  }" : "constructor(latch) {\n    super();\n    this.latch = latch;\n  }"}
  poll(cx${t(": Context")})${t(": Poll<void>")} {
    if (this.latch.open) return ready();
    this.latch.waiter.register(cx);
    return PENDING;
  }
}

const waiter = asyncFn(function* waiter(latch${t(": Latch")}) {
  yield* new LatchWait(latch);
});
const opener = asyncFn(function* opener(latch${t(": Latch")}) {
  yield* sleep(3);
  latch.release();
});

const scenario = defineScenario({
  name: ${JSON.stringify(name)},
  setup(sim) {
    const latch = new Latch();
    sim.spawn(waiter(latch), { name: "waiter" });
    sim.spawn(opener(latch), { name: "opener" });
  },
});
`;
  return head + body + (form === "cjs-js" ? "module.exports = scenario;\n" : "export default scenario;\n");
}

/** A vitest file with two simTests: the correct latch (passes) and the buggy one (fails, line 5). */
export const LATCH_TEST = `import { simTest } from "wakesim/vitest";
import ok from "./ok.js";
import buggy from "./buggy.mts";
simTest("the correct latch", ok, { runs: 300 });
simTest("the buggy latch", buggy, { runs: 300 });
`;
