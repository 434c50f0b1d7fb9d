/**
 * `node .ci/summary.mjs SUMMARY_FILE EXIT_CODE`: prints .ci/run's closing line "N passed, N
 * failed" from what .ci/summary-reporter.mjs wrote, and exits non-zero when anything failed.
 * EXIT_CODE is npm test's: a run that failed must never read "0 failed".
 * - No summary file: npm test stopped before vitest reported (the typecheck or the build failed,
 *   or vitest crashed): "0 passed, 1 failed".
 * - vitest failed but counted nothing (e.g. no test files, an error while it shut down): 1 failed.
 */
import { existsSync, readFileSync } from "node:fs";

const [file, rcText] = process.argv.slice(2);
const rc = Number(rcText);
if (file === undefined || !Number.isInteger(rc)) {
  console.error("usage: node .ci/summary.mjs SUMMARY_FILE EXIT_CODE");
  process.exit(2);
}

if (!existsSync(file)) {
  console.log(`npm test exited with code ${rc} before vitest reported: the typecheck or the build failed, or vitest crashed (see above)`);
  console.log("0 passed, 1 failed");
  process.exit(rc === 0 ? 1 : rc);
}

const s = JSON.parse(readFileSync(file, "utf8"));
let failed = s.failedTests + s.errorsOutsideTests + s.unhandledErrors;
const parts = [];
if (s.failedTests > 0) parts.push(`${s.failedTests} failed test${s.failedTests === 1 ? "" : "s"}`);
if (s.errorsOutsideTests > 0) parts.push(`${s.errorsOutsideTests} file${s.errorsOutsideTests === 1 ? "" : "s"} or describe block${s.errorsOutsideTests === 1 ? "" : "s"} failing outside a test (while loading, or in beforeAll/afterAll)`);
if (s.unhandledErrors > 0) parts.push(`${s.unhandledErrors} unhandled error${s.unhandledErrors === 1 ? "" : "s"}`);
if (rc !== 0 && failed === 0) {
  parts.push(`vitest exited with code ${rc} though no test failed (see above)`);
  failed = 1;
}
if (parts.length > 1 || s.errorsOutsideTests > 0 || s.unhandledErrors > 0 || (rc !== 0 && s.failedTests === 0)) console.log(`failed: ${parts.join("; ")}`);
console.log(`${s.passed} passed, ${failed} failed`);
process.exit(failed > 0 ? (rc === 0 ? 1 : rc) : 0);
