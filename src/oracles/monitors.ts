/**
 * Liveness monitors and user invariants, checked after every step while any exist.
 *
 *  - `invariant(name, predicate)`: must hold after every step; a false result or a throw is a
 *    violation (reported once per invariant).
 *  - `eventually(name, predicate, { withinSteps })`: must become true within `withinSteps` steps
 *    of being declared (and at the latest by the end of the run).
 *  - `monitor(name, isHot, { maxHotSteps })`: a hot/cold liveness monitor (P#'s "temperature"):
 *    while `isHot()` is true its temperature rises by one per step and falls to zero when cold.
 *    A temperature above `maxHotSteps`, or a run that ends hot, is a violation.
 *
 * A monitor too hot and an `eventually` out of time judge a stretch of schedule, which may have
 * starved the task that would cool them: they are reported only once confirmed under the fair
 * suffix (`confirm`, see watch.ts rule 4); `rearm` restarts their clocks when the suffix begins.
 * At the end of a completed or quiescent run, a hot monitor or an unmet `eventually` is reported
 * at once: no task is runnable any more, so no schedule starved one (watch.ts rule 5).
 */
import { checkInt } from "../core/checks.js";
import { OptionError } from "../core/errors.js";
import type { Violation } from "./violation.js";

interface Host {
  readonly steps: number;
  readonly now: number;
  report(v: Violation): void;
}

/** What the watch lends the monitors to confirm a verdict under the fair suffix. */
export interface Liveness {
  /**
   * For a verdict resting on the stretch from step `from` to now. True: report now (the stretch
   * was fair). False: the fair suffix started and `rearm` was called; judge again later.
   */
  confirm(cause: string, from: number): boolean;
  /** The sentence a verdict ends with ("" when not under the suffix); `cause` as given to `confirm`. */
  confirmation(amount: number, unit: string, cause: string): string;
}

interface Check {
  readonly name: string;
  readonly kind: "invariant" | "eventually" | "monitor";
  readonly fn: () => boolean;
  readonly bound: number;
  readonly since: number;
  /** Step from which an `eventually` counts its `withinSteps` (its declaration, or the fair suffix's start). */
  armedAt: number;
  temperature: number;
  done: boolean;
}

export class Monitors {
  private readonly checks: Check[] = [];
  private live = 0;

  constructor(
    private readonly host: Host,
    /** Confirms liveness verdicts under a fair schedule (watch.ts); absent, they are reported at once. */
    private readonly liveness: Liveness | null = null,
  ) {}

  private confirm(cause: string, from: number): boolean {
    return this.liveness === null || this.liveness.confirm(cause, from);
  }

  private confirmation(amount: number, cause: string): string {
    return this.liveness === null ? "" : this.liveness.confirmation(amount, "steps", cause);
  }

  /** The fair suffix starts: every hot monitor cools and every `eventually` gets its full time again. */
  rearm(): void {
    for (const c of this.checks) {
      c.temperature = 0;
      c.armedAt = this.host.steps;
    }
  }

  get active(): boolean {
    return this.live > 0;
  }

  invariant(name: string, predicate: () => boolean): void {
    this.add(name, "invariant", predicate, 0);
  }

  eventually(name: string, predicate: () => boolean, withinSteps: number): void {
    this.add(name, "eventually", predicate, checkInt("withinSteps", withinSteps, 1));
  }

  monitor(name: string, isHot: () => boolean, maxHotSteps: number): void {
    this.add(name, "monitor", isHot, checkInt("maxHotSteps", maxHotSteps, 1));
  }

  /** After every step. */
  check(): void {
    const h = this.host;
    for (const c of this.checks) {
      if (c.done) continue;
      let value: boolean;
      try {
        value = c.fn() === true;
      } catch (e) {
        if (c.kind === "invariant") this.fail(c, e);
        else this.fail(c, e);
        continue;
      }
      if (c.kind === "invariant") {
        if (!value) this.fail(c, null);
      } else if (c.kind === "eventually") {
        if (value) this.retire(c);
        else if (h.steps - c.armedAt > c.bound && this.confirm(eventuallyCause(c), c.armedAt)) this.fail(c, null);
      } else {
        c.temperature = value ? c.temperature + 1 : 0;
        if (c.temperature > c.bound && this.confirm(hotCause(c), h.steps - c.temperature)) this.fail(c, null);
      }
    }
  }

  /** At the end of a run: an unmet `eventually` and a hot monitor are liveness violations. */
  atEnd(): void {
    for (const c of this.checks) {
      if (c.done || c.kind === "invariant") continue;
      let value: boolean;
      try {
        value = c.fn() === true;
      } catch (e) {
        this.fail(c, e);
        continue;
      }
      if (c.kind === "eventually" ? !value : value) this.fail(c, null, true);
    }
  }

  private add(name: string, kind: Check["kind"], fn: () => boolean, bound: number): void {
    if (typeof name !== "string" || name === "") throw new OptionError("name", `sim.${kind}() needs a non-empty name for reports`);
    if (typeof fn !== "function") throw new OptionError(kind === "monitor" ? "isHot" : "predicate", `sim.${kind}('${name}', …) needs a function returning true or false`);
    this.checks.push({ name, kind, fn, bound, since: this.host.steps, armedAt: this.host.steps, temperature: 0, done: false });
    this.live++;
  }

  private retire(c: Check): void {
    c.done = true;
    this.live--;
  }

  private fail(c: Check, error: unknown, atEnd = false): void {
    this.retire(c);
    const h = this.host;
    const err = error === null ? null : error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    if (c.kind === "invariant") {
      h.report({
        kind: "invariant",
        invariant: c.name,
        error: err,
        tasks: [],
        step: h.steps,
        time: h.now,
        message: err === null ? `invariant '${c.name}' was violated after step ${h.steps}` : `invariant '${c.name}' threw after step ${h.steps}: ${err}`,
      });
      return;
    }
    const hot = c.kind === "monitor" ? c.temperature : h.steps - c.since;
    const what =
      err !== null
        ? `threw: ${err}`
        : c.kind === "eventually"
          ? atEnd
            ? `never became true (declared at step ${c.since}; the run ended at step ${h.steps})`
            : `did not become true within ${c.bound} steps of step ${c.since}${this.confirmation(h.steps - c.armedAt, eventuallyCause(c))}`
          : atEnd
            ? `was still hot when the run ended (hot for ${c.temperature} steps)`
            : `stayed hot for ${c.temperature} steps (bound ${c.bound})${this.confirmation(c.temperature, hotCause(c))}`;
    h.report({
      kind: "liveness",
      monitor: c.name,
      hotSteps: hot,
      bound: c.bound,
      atEnd,
      tasks: [],
      step: h.steps,
      time: h.now,
      message: `liveness monitor '${c.name}' ${what}`,
    });
  }
}

const eventuallyCause = (c: Check) => `that '${c.name}' would never become true`;
const hotCause = (c: Check) => `that monitor '${c.name}' stays hot`;
