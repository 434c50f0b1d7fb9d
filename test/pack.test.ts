/**
 * End-to-end packaging, as a user gets wakesim: `npm pack` this package, install the tarball
 * (with vitest, its optional peer) into two fresh consumer projects — one made by `npm init -y`
 * (CommonJS), one with "type": "module" — and there run `npx wakesim fuzz` on scenario files of
 * every module form (.ts .mts .cts .js .mjs .cjs) and a vitest file using `simTest`.
 *
 * 1. Offline: `npm ci` fills npm's cache with the tarballs of package-lock.json, but not with the
 *    registry's metadata that `npm install vitest` needs. So each consumer starts from a lock file
 *    made of ours (npm drops the entries it does not need) and installs, with --offline, exactly
 *    the versions this repository is tested with.
 * 2. dist/ is packed as `npm test` built it (`npm run prepare`, before vitest): packing runs no
 *    script, so no test rewrites dist/ under another test reading it. A dist/ older than src/
 *    fails with the fix (npm run build).
 * 3. The tarball and both consumers are made once per run of this file, and the two consumers
 *    are worked concurrently: about 20 s of CPU in all (time(1), user + sys, on this project's
 *    machine), so ~10 s of wall time where two cores are free.
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LATCH_TEST, latchScenario, type Form } from "./pack-scenarios.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const STEP_MS = 120_000; // any one command; never reached unless something hangs

interface Ran {
  readonly code: number | null;
  readonly out: string;
}

/** Where npm's cache and config files are, wherever `npm test` was told (the cache `npm ci` filled). */
const NPM_PLACES = new Set(["npm_config_cache", "npm_config_userconfig", "npm_config_globalconfig"]);

/** The environment of a user's shell: nothing from the `npm test` and vitest running this file. */
function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (NPM_PLACES.has(k.toLowerCase())) env[k] = v;
    else if (!/^(npm_|VITEST|WAKESIM_)/i.test(k) && !["INIT_CWD", "NODE_ENV", "TEST", "FORCE_COLOR"].includes(k)) env[k] = v;
  }
  return { ...env, NO_COLOR: "1", CI: "true", ...extra };
}

function sh(cmd: string, args: readonly string[], cwd: string, extra: Record<string, string> = {}): Promise<Ran> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd, env: userEnv(extra), timeout: STEP_MS, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === "number" ? err.code : null, out: stdout + stderr });
    });
  });
}

async function ok(cmd: string, args: readonly string[], cwd: string): Promise<string> {
  const r = await sh(cmd, args, cwd);
  if (r.code !== 0) {
    const hint = r.out.includes("ENOTCACHED") ? "\n(npm's cache lacks a package of package-lock.json: run `npm ci` here first, which fills it)" : "";
    throw new Error(`${cmd} ${args.join(" ")} (in ${cwd}) exited with ${String(r.code)}:\n${r.out}${hint}`);
  }
  return r.out;
}

function newestMtime(dir: string): number {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return t;
}

function assertDistBuilt(): void {
  let built: number;
  try {
    built = statSync(join(root, "dist/index.js")).mtimeMs;
  } catch {
    throw new Error("dist/ is missing: run `npm run build` first (npm test builds it before running vitest)");
  }
  if (built < newestMtime(join(root, "src"))) throw new Error("dist/ is older than src/: run `npm run build` first (npm test builds it before running vitest)");
}

type Kind = "commonjs" | "module";
/** The scenario files of a consumer, by extension, and the module form each is written in. */
const FILES: Record<Kind, Record<string, Form>> = {
  commonjs: { ts: "esm-ts", mts: "esm-ts", cts: "esm-ts", js: "cjs-js", mjs: "esm-js" },
  module: { ts: "esm-ts", mts: "esm-ts", cts: "esm-ts", js: "esm-js", cjs: "cjs-js" },
};

let tmp: string;
let tarball: string;
let packed: string[];
const consumers = {} as Record<Kind, string>;

async function makeConsumer(kind: Kind): Promise<string> {
  const dir = join(tmp, kind);
  mkdirSync(dir);
  await ok("npm", ["init", "-y"], dir);
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Record<string, unknown>;
  if (kind === "module") pkg.type = "module";
  const ours = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  pkg.dependencies = { wakesim: `file:../${tarball}`, vitest: ours.devDependencies.vitest! };
  writeFileSync(join(dir, "package.json"), `${JSON.stringify(pkg, null, 2)}\n`);
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as { name: string; packages: Record<string, unknown> };
  lock.name = pkg.name as string;
  lock.packages[""] = { name: pkg.name, version: pkg.version, dependencies: pkg.dependencies };
  writeFileSync(join(dir, "package-lock.json"), JSON.stringify(lock, null, 2));
  await ok("npm", ["install", "--offline", "--no-audit", "--no-fund"], dir);

  for (const [ext, form] of Object.entries(FILES[kind])) {
    writeFileSync(join(dir, `ok.${ext}`), latchScenario(`latch-ok-${ext}`, false, form));
    writeFileSync(join(dir, `buggy.${ext}`), latchScenario(`latch-buggy-${ext}`, true, form));
  }
  if (kind === "commonjs") {
    // No "type" at all, as package.json files made before npm 10 are: CommonJS by Node's default.
    mkdirSync(join(dir, "notype"));
    writeFileSync(join(dir, "notype/package.json"), "{}\n");
    writeFileSync(join(dir, "notype/ok.ts"), latchScenario("latch-ok-notype-ts", false, "esm-ts"));
    writeFileSync(join(dir, "notype/ok.js"), latchScenario("latch-ok-notype-js", false, "cjs-js"));
  }
  writeFileSync(join(dir, "latch.test.ts"), LATCH_TEST);
  return dir;
}

beforeAll(async () => {
  assertDistBuilt();
  tmp = mkdtempSync(join(tmpdir(), "wakesim-pack-"));
  const [info] = JSON.parse(await ok("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], root)) as { filename: string; files: { path: string }[] }[];
  tarball = info!.filename;
  packed = info!.files.map((f) => f.path);
  const [cjs, esm] = await Promise.all([makeConsumer("commonjs"), makeConsumer("module")]);
  consumers.commonjs = cjs;
  consumers.module = esm;
}, 4 * STEP_MS);

afterAll(() => {
  if (tmp !== undefined) rmSync(tmp, { recursive: true, force: true });
});

const headlines = (out: string) => out.split("\n").filter((l) => /: ok — |: FAILED — /.test(l)).map((l) => l.replace(/, \d[\d,]* distinct schedules.*$/, ""));

describe("the packed package", () => {
  it("holds the built code, the sources, the README and the LICENSE — not the tests", () => {
    expect(packed).toEqual(expect.arrayContaining(["LICENSE", "README.md", "package.json", "dist/index.js", "dist/vitest.js", "dist/cli/main.js", "src/index.ts"]));
    expect(packed.filter((p) => /^(test|fixtures|bench|properties|\.ci)\//.test(p))).toEqual([]);
  });
});

describe.concurrent.each(["commonjs", "module"] as const)("installed from the tarball into a fresh %s project", (kind) => {
  it("npx wakesim fuzz loads a correct scenario from every kind of file and exits 0", async ({ expect }) => {
    const files = Object.keys(FILES[kind]).map((ext) => `ok.${ext}`);
    if (kind === "commonjs") files.push("notype/ok.ts", "notype/ok.js");
    const r = await sh("npx", ["--no", "wakesim", "fuzz", ...files, "--runs", "300"], consumers[kind]);
    expect(r.code, r.out).toBe(0);
    const names = files.map((f) => (f.startsWith("notype/") ? `latch-ok-notype-${f.slice(-2)}` : `latch-ok-${f.slice(3)}`));
    expect(headlines(r.out)).toEqual(names.map((n) => `${n}: ok — 300 runs (portfolio, seed 0)`));
    // require("wakesim") from CommonJS, with no loader in between: the same ES modules (require(esm)).
    const cjsFile = kind === "commonjs" ? "ok.js" : "ok.cjs";
    const direct = await sh("node", ["-e", `const w = require("wakesim"); console.log(w.runScenario(require("./${cjsFile}"), { seed: 1 }).status)`], consumers[kind]);
    expect(direct).toEqual({ code: 0, out: "completed\n" });
  }, STEP_MS);

  it("every documented subpath loads by require and by import, each with one of its names", async ({ expect }) => {
    const probes = { "wakesim/executors": "FifoExecutor", "wakesim/explore": "SeededChooser", "wakesim/reactor": "Reactor", "wakesim/report": "formatReport", "wakesim/trace": "parseToken" };
    const list = JSON.stringify(Object.entries(probes));
    const required = await sh("node", ["-e", `for (const [p, n] of ${list}) console.log(p, typeof require(p)[n])`], consumers[kind]);
    const imported = await sh("node", ["--input-type=module", "-e", `for (const [p, n] of ${list}) console.log(p, typeof (await import(p))[n])`], consumers[kind]);
    const expected = Object.keys(probes).map((p) => `${p} function\n`).join("");
    expect(required).toEqual({ code: 0, out: expected });
    expect(imported).toEqual({ code: 0, out: expected });
  }, STEP_MS);

  it("npx wakesim fuzz finds the lost wakeup in every kind of file, prints the report and exits 1", async ({ expect }) => {
    const exts = Object.keys(FILES[kind]);
    const r = await sh("npx", ["--no", "wakesim", "fuzz", ...exts.map((e) => `buggy.${e}`), "--runs", "300"], consumers[kind]);
    expect(r.code, r.out).toBe(1);
    expect(headlines(r.out)).toEqual(exts.map((e) => `latch-buggy-${e}: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)`));
    const cts = /npx wakesim replay buggy\.cts (ws1\.[\w-]+)/.exec(r.out)?.[1];
    expect(cts, r.out).toBeDefined();
    if (kind === "module") return; // the printed command, run once: where loading is hardest
    const again = await sh("npx", ["--no", "wakesim", "replay", "buggy.cts", cts!], consumers[kind]);
    expect(again.code, again.out).toBe(1);
    expect(again.out).toContain("Timeline");
  }, STEP_MS);

  it("a vitest simTest passes the correct latch and fails the buggy one with the report and its replay command", async ({ expect }) => {
    const r = await sh("npx", ["--no", "vitest", "run"], consumers[kind]);
    expect(r.code, r.out).toBe(1);
    expect(r.out).toMatch(/Tests +1 failed \| 1 passed \(2\)/);
    expect(r.out).toContain("latch-buggy-mts: FAILED — lost wakeup: 'waiter' is stuck pending (waker held, never woken)");
    expect(r.out).toMatch(/latch\.test\.ts:5:1/); // the stack points at the user's simTest line
    const command = /WAKESIM_REPLAY=(ws1\.[\w-]+) npx vitest run -t "the buggy latch"/.exec(r.out);
    expect(command, r.out).not.toBeNull();
    if (kind === "module") return; // the printed command, run once (test/simtest.test.ts has the rest)
    const again = await sh("npx", ["--no", "vitest", "run", "-t", "the buggy latch"], consumers[kind], { WAKESIM_REPLAY: command![1]! });
    expect(again.code, again.out).toBe(1);
    expect(again.out).toContain("Timeline");
    expect(again.out).toMatch(/Tests +1 failed \| 1 skipped \(2\)/);
  }, STEP_MS);
});
