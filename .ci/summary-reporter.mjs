/**
 * A vitest reporter for .ci/run: writes what its closing line "N passed, N failed" counts, as
 * JSON, to the file named by WAKESIM_CI_SUMMARY (.ci/summary.mjs prints the line).
 *
 * Counted as failed, each once:
 * 1. a failed test;
 * 2. an error outside any test, once per test file or describe block that has one: a file that
 *    fails while it is imported (it has no tests to fail), a beforeAll/afterAll that throws
 *    (its tests are then skipped, not failed);
 * 3. an unhandled error: a rejection nobody awaited, an error thrown after its test ended —
 *    vitest fails the run for it though every test passed.
 * vitest's JSON report cannot say this: its numFailedTestSuites counts every file and describe
 * block that contains a failed test (one failed test in a describe made "3 failed"), and it
 * has no count of unhandled errors (a run that failed on one read "0 failed").
 */
import { writeFileSync } from "node:fs";

export default class CiSummaryReporter {
  onTestRunEnd(testModules, unhandledErrors, reason) {
    let passed = 0;
    let failedTests = 0;
    let errorsOutsideTests = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failedTests++;
      }
      for (const suite of [module, ...module.children.allSuites()]) if (suite.errors().length > 0) errorsOutsideTests++;
    }
    const file = process.env.WAKESIM_CI_SUMMARY;
    if (!file) throw new Error(".ci/summary-reporter.mjs: set WAKESIM_CI_SUMMARY to the file it should write");
    writeFileSync(file, `${JSON.stringify({ passed, failedTests, errorsOutsideTests, unhandledErrors: unhandledErrors.length, reason })}\n`);
  }
}
