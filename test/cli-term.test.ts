/**
 * Colour decisions (src/cli/term.ts) and how they are applied (src/report/ansi.ts): in-process.
 */
import { afterEach, describe, expect, it } from "vitest";
import { runScenario, replay } from "wakesim";
import example from "../fixtures/example.js";
import { colorFor, painter } from "../src/cli/term.js";
import { formatReport } from "../src/report/report.js";

const tty = { isTTY: true, write: () => true };
const saved = process.env.NO_COLOR;
afterEach(() => {
  if (saved === undefined) delete process.env.NO_COLOR;
  else process.env.NO_COLOR = saved;
});

describe("colour (no-color.org)", () => {
  it("only a non-empty NO_COLOR turns colour off; FORCE_COLOR turns it on off a terminal", () => {
    expect(colorFor(tty, { NO_COLOR: "" })).toBe(true);
    expect(colorFor(tty, { NO_COLOR: "1" })).toBe(false);
    expect(colorFor(tty, {})).toBe(true);
    expect(colorFor({ write: () => true }, {})).toBe(false);
    expect(colorFor({ write: () => true }, { FORCE_COLOR: "1" })).toBe(true);
  });

  it("a decision for colour is applied whatever process.stdout is and even with NO_COLOR=\"\" in the environment", () => {
    // vitest's stdout is not a terminal: node's styleText would drop the colour here, and with
    // NO_COLOR="" in the environment too — the bug this guards against.
    process.env.NO_COLOR = "";
    expect(painter(true)("red", "x")).toBe("\x1b[31mx\x1b[39m");
    expect(painter(false)("red", "x")).toBe("x");
    const out = replay(example, runScenario(example, { seed: 0 }).token);
    const head = formatReport(out, { scenario: "example", color: true }).split("\n", 1)[0]!;
    expect(head.startsWith("\x1b[31m\x1b[1mexample: FAILED\x1b[22m\x1b[39m — ")).toBe(true);
  });
});
