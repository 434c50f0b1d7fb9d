/**
 * Progress on stderr while exploring. On a terminal (and not under CI): one line redrawn in place
 * at most 10 times a second. Otherwise: a plain line when a scenario starts and then one every
 * 10 seconds, so CI logs show life without filling up.
 */
import type { Stream } from "./term.js";

export interface ProgressSample {
  readonly scenario: string;
  readonly runs: number;
  readonly distinctSchedules: number;
  readonly elapsedMs: number;
  /** Runs this scenario may still make (null: no run limit). */
  readonly runsLeft: number | null;
  /** Milliseconds of budget left (null: no time limit). */
  readonly timeLeftMs: number | null;
}

export interface Progress {
  start(scenario: string, file: string, budget: string): void;
  update(s: ProgressSample): void;
  /** Erases a live line before other output is written. */
  clear(): void;
}

export function makeProgress(stream: Stream, live: boolean, plainEveryMs = 10_000): Progress {
  let lastDraw = -Infinity;
  let drawn = false;
  return {
    start(scenario, file, budget) {
      if (live) return;
      stream.write(`wakesim: exploring ${scenario} (${file}): ${budget}\n`);
      lastDraw = 0;
    },
    update(s) {
      const every = live ? 100 : plainEveryMs;
      if (s.elapsedMs - lastDraw < every) return;
      lastDraw = s.elapsedMs;
      const line = progressLine(s);
      if (live) {
        stream.write(`\r\x1b[K${line}`);
        drawn = true;
      } else {
        stream.write(`wakesim: ${line}\n`);
      }
    },
    clear() {
      if (drawn) stream.write("\r\x1b[K");
      drawn = false;
      lastDraw = -Infinity;
    },
  };
}

export function progressLine(s: ProgressSample): string {
  const secs = s.elapsedMs / 1000;
  const rate = secs > 0 ? s.runs / secs : 0;
  const etaRuns = s.runsLeft === null || rate === 0 ? Infinity : s.runsLeft / rate;
  const etaTime = s.timeLeftMs === null ? Infinity : s.timeLeftMs / 1000;
  const eta = Math.max(0, Math.min(etaRuns, etaTime));
  return (
    `${s.scenario}: ${plural(s.runs, "run")}, ${count(Math.round(rate))} runs/s, ${plural(s.distinctSchedules, "distinct schedule")}, ` +
    `${duration(secs)} elapsed${Number.isFinite(eta) ? `, ETA ${duration(eta)}` : ""}`
  );
}

export const count = (n: number): string => n.toLocaleString("en-US");

/** "1 run", "2 runs", "1 distinct schedule" (the noun's last word takes the s). */
export const plural = (n: number, one: string, many = `${one}s`): string => `${count(n)} ${n === 1 ? one : many}`;

/**
 * A probability for people: a percentage with two significant digits ("8.1%", "0.64%"), and
 * below one in a million just that ("< 0.0001%") — never "0.00" or "1e-304", which read as
 * "impossible" or as noise.
 */
export function probability(p: number): string {
  if (!(p >= 1e-6)) return "< 0.0001%";
  return `${Number((Math.min(1, p) * 100).toPrecision(2))}%`;
}

export function duration(secs: number): string {
  if (secs < 10) return `${secs.toFixed(1)}s`;
  if (secs < 60) return `${Math.round(secs)}s`;
  const m = Math.floor(secs / 60);
  const s = Math.round(secs - m * 60);
  return m < 60 ? `${m}m${String(s).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}
