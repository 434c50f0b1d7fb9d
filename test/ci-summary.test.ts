/**
 * .ci/run's closing line "N passed, N failed" (.ci/summary-reporter.mjs counts, .ci/summary.mjs
 * prints): run on test files that fail in each way a CI run can fail (test/ci-fixtures), and on
 * the runs that never reach vitest's report.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("..", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "wakesim-ci-summary-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function run(file: string, args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file, ...args], { cwd: root, env: { ...process.env, NO_COLOR: "1", ...env } }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : -1, out: stdout + stderr });
    });
  });
}

/** `node .ci/summary.mjs FILE RC`: its output and exit code. */
const summary = (file: string, rc: number) => run(".ci/summary.mjs", [file, String(rc)]);

describe(".ci/run's closing line", () => {
  it("counts each failed test, each file or block failing outside a test and each unhandled error once", async () => {
    const file = join(tmp, "summary.json");
    const vitest = await run("node_modules/vitest/vitest.mjs", ["run", "--config", "test/ci-fixtures/vitest.config.ts", `--reporter=${join(root, ".ci/summary-reporter.mjs")}`], {
      WAKESIM_CI_SUMMARY: file,
    });
    expect(vitest.code).toBe(1);
    // describe-fails: 1 passed, 1 failed test (in a describe block: counted once, not per enclosing
    // suite); import-fails: fails while loading; hook-fails: a beforeAll throws (its test is
    // skipped), 1 passed beside it; unhandled: its test passes, the rejection fails the run.
    const { code, out } = await summary(file, vitest.code);
    expect(out).toMatchInlineSnapshot(`
      "failed: 1 failed test; 2 files or describe blocks failing outside a test (while loading, or in beforeAll/afterAll); 1 unhandled error
      4 passed, 4 failed
      "
    `);
    expect(code).toBe(1);
  }, 60_000);

  it("reads as passed only when npm test passed", async () => {
    const file = join(tmp, "passed.json");
    writeFileSync(file, JSON.stringify({ passed: 12, failedTests: 0, errorsOutsideTests: 0, unhandledErrors: 0, reason: "passed" }));
    const ok = await summary(file, 0);
    expect([ok.code, ok.out]).toMatchInlineSnapshot(`
      [
        0,
        "12 passed, 0 failed
      ",
      ]
    `);
    // vitest failed without a failed test (no test files matched, an error while shutting down).
    const odd = await summary(file, 1);
    expect([odd.code, odd.out]).toMatchInlineSnapshot(`
      [
        1,
        "failed: vitest exited with code 1 though no test failed (see above)
      12 passed, 1 failed
      ",
      ]
    `);
  });

  it("says 1 failed when npm test stopped before vitest reported (typecheck, build, vitest crash)", async () => {
    const { code, out } = await summary(join(tmp, "never-written.json"), 2);
    expect([code, out]).toMatchInlineSnapshot(`
      [
        2,
        "npm test exited with code 2 before vitest reported: the typecheck or the build failed, or vitest crashed (see above)
      0 passed, 1 failed
      ",
      ]
    `);
  });
});
