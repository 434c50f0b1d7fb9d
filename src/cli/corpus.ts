/**
 * The regression corpus: a directory of small JSON files, one per distinct failure `fuzz` (or
 * `check`) found; `check` replays every entry first and each must now pass.
 *
 * One entry (format 1):
 *   { "format": 1, "scenario": "...", "file": "../fixtures/example.ts", "token": "ws1....",
 *     "oracle": { "kind": "lost-wakeup", "sub": "quiescence", "diagnosis": "waker-held-never-woken" },
 *     "firstLine": "example-buggy-notify: FAILED — lost wakeup: ...",
 *     "executor": "fifo",                       (only when the run used --executor)
 *     "foundBy": { "strategy": "portfolio", "seed": 0, "run": 2, "wakesim": "0.1.0" } }
 * `file` is relative to the corpus directory, so the corpus and the scenarios can move together
 * and `check` can run from any directory.
 *
 * Duplicates: the file name is derived from (scenario, oracle kind, sub-kind, diagnosis), so a
 * failure already in the corpus is recognised by name and not written twice.
 *
 * Atomicity: an entry is written to a temporary file in the same directory (".name.pid.tmp"),
 * then renamed into place — a crash or a kill leaves either no entry or a whole one.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fnv1a } from "../trace/token.js";
import { CliError } from "./errors.js";
import type { OracleName } from "../oracles/vocabulary.js";

export const CORPUS_FORMAT = 1;

export interface CorpusEntry {
  readonly format: number;
  readonly scenario: string;
  /** The scenario file, relative to the corpus directory. */
  readonly file: string;
  readonly token: string;
  readonly oracle: OracleName;
  readonly firstLine: string;
  readonly executor?: string;
  readonly foundBy?: { readonly strategy: string; readonly seed: number | string; readonly run: number; readonly wakesim: string };
}

export function entryName(scenario: string, oracle: OracleName): string {
  const key = JSON.stringify([scenario, oracle.kind, oracle.sub ?? "", oracle.diagnosis]);
  const hash = fnv1a(key).toString(16).padStart(8, "0");
  return `${slug(scenario)}--${slug(oracle.sub === null ? oracle.kind : `${oracle.kind}-${oracle.sub}`)}--${hash}.json`;
}

const slug = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60) || "x";

/** The path to store for `file` (as given on the command line, relative to the current directory). */
export function fileForCorpus(dir: string, file: string): string {
  return relative(resolve(dir), resolve(file)).split(sep).join("/");
}

/** The path, relative to the current directory, of an entry's scenario file. */
export function fileFromCorpus(dir: string, entryFile: string): string {
  const abs = isAbsolute(entryFile) ? entryFile : resolve(dir, entryFile);
  return relative(process.cwd(), abs).split(sep).join("/") || abs;
}

export type AddResult = { readonly written: string } | { readonly duplicate: string };

/** Adds an entry unless an entry for the same failure is there; returns the entry's path. */
export function addEntry(dir: string, e: CorpusEntry): AddResult {
  const name = entryName(e.scenario, e.oracle);
  const path = join(dir, name);
  if (existsSync(path)) return { duplicate: path };
  try {
    mkdirSync(dir, { recursive: true });
  } catch (err) {
    throw new CliError(`--corpus ${dir}: cannot create the directory (${(err as Error).message})`);
  }
  const tmp = join(dir, `.${name}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, `${JSON.stringify(e, null, 2)}\n`, { flag: "wx" });
    renameSync(tmp, path);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw new CliError(`--corpus ${dir}: cannot write ${name} (${(err as Error).message})`);
  }
  return { written: path };
}

/**
 * Fails early, before any exploring, when entries could not be written to `dir`: it (or the
 * nearest part of its path that exists) must be a directory in which a file can be created. The
 * check writes and removes a probe file rather than asking access(2), which says yes to root
 * whatever the permission bits (and to read-only mounts' directories too, on some systems).
 * Creates nothing else: a corpus directory still appears only with its first entry.
 */
export function checkCorpusWritable(dir: string, what = "--corpus"): void {
  let at = dir; // the path as the user wrote it, for the message
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at);
  const flag = what;
  const fix = `give --corpus a directory you can write to (e.g. --corpus wakesim/corpus)`;
  if (!statSync(at).isDirectory()) {
    const what = at === dir ? `${dir} is a file, not a directory` : `${at} is a file, so the directory ${dir} cannot be created in it`;
    throw new CliError(`${flag} ${dir}: ${what} — ${fix}`);
  }
  const probe = join(at, `.wakesim-probe.${process.pid}.tmp`);
  try {
    writeFileSync(probe, "", { flag: "wx" });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    const where = at === dir ? "" : ` (it does not exist yet, and ${at} does not let it be created)`;
    throw new CliError(`${flag} ${dir}: cannot write there${where}: ${code} — ${fix}; nothing was explored`);
  } finally {
    rmSync(probe, { force: true });
  }
}

export type ReadResult = { readonly path: string; readonly entry: CorpusEntry } | { readonly path: string; readonly error: string };

/** Every entry of the corpus (sorted by file name); a damaged file is an `error` naming what is wrong. */
export function readCorpus(dir: string): ReadResult[] {
  if (!existsSync(dir)) return [];
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json") && !n.startsWith(".")).sort();
  } catch (err) {
    throw new CliError(`--corpus ${dir}: cannot read the directory (${(err as Error).message})`);
  }
  return names.map((n) => {
    const path = join(dir, n);
    try {
      return { path, entry: parseEntry(readFileSync(path, "utf8")) };
    } catch (err) {
      return { path, error: `${(err as Error).message}; fix it or delete the file (the other entries still run)` };
    }
  });
}

function parseEntry(text: string): CorpusEntry {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${(err as Error).message})`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not a corpus entry (expected a JSON object)");
  const o = v as Record<string, unknown>;
  const need = (k: string): string => {
    const x = o[k];
    if (typeof x !== "string" || x === "") throw new Error(`not a corpus entry: '${k}' is missing or not a string`);
    return x;
  };
  if (o.format !== CORPUS_FORMAT) throw new Error(`corpus format ${JSON.stringify(o.format)} is not supported (this wakesim reads format ${CORPUS_FORMAT})`);
  const oracle = o.oracle as Record<string, unknown> | undefined;
  if (typeof oracle !== "object" || oracle === null || typeof oracle.kind !== "string") throw new Error("not a corpus entry: 'oracle' is missing its 'kind'");
  const executor = o.executor;
  if (executor !== undefined && typeof executor !== "string") throw new Error("not a corpus entry: 'executor' is not a string");
  return {
    format: CORPUS_FORMAT,
    scenario: need("scenario"),
    file: need("file"),
    token: need("token"),
    oracle: {
      kind: oracle.kind,
      sub: typeof oracle.sub === "string" ? oracle.sub : null,
      diagnosis: typeof oracle.diagnosis === "string" ? oracle.diagnosis : "",
    },
    firstLine: typeof o.firstLine === "string" ? o.firstLine : "",
    ...(executor === undefined ? {} : { executor }),
  };
}
