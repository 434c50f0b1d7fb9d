/**
 * Replay tokens: a versioned, URL-safe string that reproduces one run exactly.
 *
 * Layout of `ws1.<payload>`, payload = base64url of:
 *   varint fingerprint        — FNV-1a of the run-relevant options (see `optionsFingerprint`)
 *   varint faults             — bit i set = FAULT_KINDS[i] was on (a strategy may vary them per run)
 *   string generator          — the chooser that made the run ("alea", "pct", …)
 *   string scenario           — the scenario's name
 *   varint count, then count × varint choice
 * Strings are varint length + UTF-8. Varints are unsigned LEB128.
 *
 * Invariants: parse(format(t)) equals t for every token; a token from another version or
 * scenario, or made under other options, is refused with a message that says which.
 */
import { FAULT_KINDS, type FaultKind } from "../chooser/chooser.js";
import { withoutTrailingDefaults } from "../chooser/replay.js";
import type { ExecutorSpec } from "../executors/spec.js";

/** The options a token's fingerprint covers: those that change what a list of choices means. */
export interface FingerprintedOptions {
  readonly executor: ExecutorSpec;
  readonly maxLatencyTicks: number;
  readonly pollCostTicks: number;
  readonly maxSteps: number;
  /** Only when set (SimOptions.workers): tokens of runs without it keep their fingerprint. */
  readonly workers?: number | undefined;
}

export const TOKEN_VERSION = "ws1";

export interface ReplayToken {
  readonly fingerprint: number;
  /** Fault kinds switched on in the run (part of what the choices mean). */
  readonly faults: readonly FaultKind[];
  readonly generator: string;
  readonly scenario: string;
  readonly choices: readonly number[];
}

export class TokenError extends Error {
  override readonly name = "TokenError";
}

export function formatToken(t: ReplayToken): string {
  const bytes: number[] = [];
  varint(bytes, t.fingerprint >>> 0);
  varint(bytes, faultBits(t.faults));
  str(bytes, t.generator);
  str(bytes, t.scenario);
  varint(bytes, t.choices.length);
  for (const c of t.choices) varint(bytes, c);
  return `${TOKEN_VERSION}.${Buffer.from(bytes).toString("base64url")}`;
}

export function parseToken(token: string): ReplayToken {
  if (typeof token !== "string") throw new TokenError(`a replay token is a string like 'ws1.AbC…', got ${typeof token}`);
  const text = token.trim();
  const dot = text.indexOf(".");
  const version = dot < 0 ? "" : text.slice(0, dot);
  if (version !== TOKEN_VERSION) {
    throw new TokenError(
      version.startsWith("ws")
        ? `replay token version '${version}' is not supported by this wakesim (it reads '${TOKEN_VERSION}'); replay it with the wakesim version that printed it`
        : `'${text.slice(0, 20)}${text.length > 20 ? "…" : ""}' is not a wakesim replay token (tokens start with '${TOKEN_VERSION}.')`,
    );
  }
  const body = text.slice(dot + 1);
  if (!/^[A-Za-z0-9_-]*$/.test(body)) throw new TokenError("replay token is damaged: it contains characters outside base64url (was it cut or wrapped when copied?)");
  const r = new Reader(Buffer.from(body, "base64url"));
  const fingerprint = r.varint();
  const bits = r.varint();
  if (bits >= 2 ** FAULT_KINDS.length) throw new TokenError("replay token names fault kinds this wakesim does not know (was it made by a newer version?)");
  const faults = faultsOfBits(bits);
  const generator = r.str();
  const scenario = r.str();
  const n = r.varint();
  const choices: number[] = [];
  for (let i = 0; i < n; i++) choices.push(r.varint());
  r.end();
  return { fingerprint, faults, generator, scenario, choices };
}

/** The fault kinds as bits (bit i: FAULT_KINDS[i]), as tokens and the CLI's run mirror carry them. */
export function faultBits(faults: Iterable<FaultKind>): number {
  let bits = 0;
  for (const f of faults) {
    const i = FAULT_KINDS.indexOf(f);
    if (i < 0) throw new TokenError(`unknown fault kind '${f}'`);
    bits |= 1 << i;
  }
  return bits;
}

/** The fault kinds of `faultBits`, in FAULT_KINDS order. */
export function faultsOfBits(bits: number): FaultKind[] {
  return FAULT_KINDS.filter((_, i) => (bits & (1 << i)) !== 0);
}

/**
 * The token of a run made under options `o` (its fingerprint, fault kinds and scenario) by
 * `generator`, from its choices. The one builder: outcomes, the watchdog's stopped run and the
 * CLI's hung worker all spell their tokens here.
 */
export function runToken(o: FingerprintedOptions & { readonly scenario: string; readonly faults: Iterable<FaultKind> }, generator: string, choices: readonly number[]): string {
  return formatToken({ fingerprint: optionsFingerprint(o), faults: [...o.faults], generator, scenario: o.scenario, choices: withoutTrailingDefaults(choices) });
}

/**
 * FNV-1a over the options that change what a given choice list does, except the fault kinds
 * (carried in the token itself, since strategies such as swarm vary them per run).
 */
export function optionsFingerprint(o: FingerprintedOptions): number {
  const exec =
    typeof o.executor === "string" ? o.executor : typeof o.executor === "function" ? `factory:${o.executor.name}` : JSON.stringify(o.executor, Object.keys(o.executor).sort());
  const canon = `${exec}|${o.maxLatencyTicks}|${o.pollCostTicks}|${o.maxSteps}${o.workers === undefined ? "" : `|w${o.workers}`}`;
  return fnv1a(canon);
}

export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function varint(out: number[], v: number): void {
  if (!Number.isSafeInteger(v) || v < 0) throw new TokenError(`cannot encode ${v} in a token (choices are non-negative integers)`);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function str(out: number[], s: string): void {
  const b = Buffer.from(s, "utf8");
  varint(out, b.length);
  for (const x of b) out.push(x);
}

class Reader {
  private i = 0;
  constructor(private readonly b: Uint8Array) {}
  varint(): number {
    let v = 0;
    let mul = 1;
    for (;;) {
      if (this.i >= this.b.length) throw new TokenError("replay token is truncated (was it cut when copied?)");
      const x = this.b[this.i++]!;
      v += (x & 0x7f) * mul;
      if (x < 0x80) return v;
      mul *= 0x80;
      if (mul > 2 ** 53) throw new TokenError("replay token is damaged (a number in it is too long)");
    }
  }
  str(): string {
    const n = this.varint();
    if (this.i + n > this.b.length) throw new TokenError("replay token is truncated (was it cut when copied?)");
    const s = Buffer.from(this.b.subarray(this.i, this.i + n)).toString("utf8");
    this.i += n;
    return s;
  }
  end(): void {
    if (this.i !== this.b.length) throw new TokenError("replay token is damaged (it has trailing bytes)");
  }
}
