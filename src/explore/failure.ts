/**
 * A found failure, and the one place it is built: the shrunk run replayed with its trace, what
 * the finding took (run, original token, shrinking), and its text report. explore() (plain or
 * under the watchdog) and the CLI's pool (from a worker's tokens) all build theirs here, with the
 * report context of whoever shows it. (A worker's explore() builds one too, which the worker
 * drops: only its tokens cross to the main thread, where the shown failure is built.)
 *
 * Invariant: a failure always has a violation and a report, even when its traced replay could not
 * be made (the watchdog stopped it): the report then says so (UNTRACED_NOTE).
 */
import { withoutTrailingDefaults } from "../chooser/replay.js";
import type { FaultKind } from "../chooser/chooser.js";
import type { Violation } from "../oracles/violation.js";
import { formatReport, type ReportContext } from "../report/report.js";
import type { Outcome } from "../sim/outcome.js";

export interface Failure {
  /** The first violation of the shrunk run. */
  readonly violation: Violation;
  /** Which run (0-based) failed first. */
  readonly run: number;
  /** Replays the shrunk run: `replay(scenario, token)`. */
  readonly token: string;
  /** Replays the run as found, before shrinking. */
  readonly originalToken: string;
  readonly choices: readonly number[];
  readonly originalChoices: readonly number[];
  readonly faults: readonly FaultKind[];
  readonly shrinkSteps: number;
  readonly shrinkRuns: number;
  /** The shrunk run, replayed with its full trace. */
  readonly outcome: Outcome;
  /** The text report (what, why, how to reproduce, timeline). */
  readonly report: string;
  /** What the report was written with (the replay command, how the failure was found): to write it again, e.g. in colour. */
  readonly context: ReportContext;
}

/** How a failure was found: everything of a Failure that its traced outcome does not say. */
export interface FailureFacts {
  readonly run: number;
  readonly token: string;
  readonly originalToken: string;
  readonly originalChoices: readonly number[];
  readonly shrinkSteps: number;
  readonly shrinkRuns: number;
}

/** Ends the report of a failure kept as found (an untraced outcome: `trace` is null). */
export const UNTRACED_NOTE = "(not shrunk, no timeline: replaying it with its trace did not finish within the watchdog's limit)";

/** The text report of a failure's outcome (the shrunk run, traced when possible). */
export function failureReport(outcome: Outcome, ctx: ReportContext): string {
  const report = formatReport(outcome, ctx);
  return outcome.trace === null ? `${report}\n${UNTRACED_NOTE}` : report;
}

/** The failure of `outcome` (the shrunk run, traced when possible), reported under `ctx`. */
export function buildFailure(outcome: Outcome, facts: FailureFacts, ctx: ReportContext): Failure {
  return {
    violation: outcome.violations[0] ?? failedWithout(outcome),
    run: facts.run,
    token: facts.token,
    originalToken: facts.originalToken,
    choices: withoutTrailingDefaults(outcome.choices),
    originalChoices: facts.originalChoices,
    faults: outcome.faults,
    shrinkSteps: facts.shrinkSteps,
    shrinkRuns: facts.shrinkRuns,
    outcome,
    report: failureReport(outcome, ctx),
    context: ctx,
  };
}


/** A run that did not complete yet named no violation (should not happen): say so plainly. */
function failedWithout(o: Outcome): Violation {
  return {
    kind: "step-limit",
    maxSteps: o.steps,
    sat: [],
    busy: [],
    tasks: o.tasks.filter((t) => t.state === "pending").map((t) => t.name),
    step: o.steps,
    time: o.time,
    message: `the run ended '${o.status}' without completing and without a violation (an internal inconsistency; please report it with this token)`,
  };
}
