/**
 * The command line on scenarios with async tasks, past fuzz and replay (test/promise-world.test.ts):
 * replay's --trace and --html exports of an async failure, --shard with merge, and the corpus
 * that check replays. The real CLI in child processes, as in test/cli.test.ts.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { cli, type CliRan } from "./helpers.js";

const PACKAGES = "fixtures/promise/packages.ts";
const tmp = mkdtempSync(join(tmpdir(), "wakesim-cli-async-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface FuzzResult {
  scenario: string;
  ok: boolean;
  runs: number;
  blocks: { seed: number | string }[];
  failure: { token: string; replay: string; oracle: { kind: string } } | null;
}
const results = (r: CliRan): FuzzResult[] => (JSON.parse(r.stdout) as { results: FuzzResult[] }).results;

describe("the command line on async scenarios", () => {
  it("replay --trace --html writes the Chrome trace and the HTML report of an async failure: a lane per task, the stuck ones never woken", async () => {
    const fuzz = await cli(["fuzz", PACKAGES, "--runs", "100", "--json"]);
    expect(fuzz.code, fuzz.stderr).toBe(1);
    const sema = results(fuzz).find((r) => r.scenario === "async-sema-missing-release")!;
    expect(sema.failure?.oracle.kind).toBe("lost-wakeup");
    const tracePath = join(tmp, "sema.trace.json");
    const htmlPath = join(tmp, "sema.html");
    const replayed = await cli(["replay", PACKAGES, sema.failure!.token, "--trace", tracePath, "--html", htmlPath]);
    expect(replayed.code, replayed.stderr).toBe(1);
    expect(replayed.stdout).toMatch(/^async-sema-missing-release: FAILED — lost wakeup: 2 tasks are stuck pending \(job-2, job-3\)$/m);
    expect(replayed.stdout).toMatch(/step +t │ world +│ job-0 +│ job-1 +│ job-2 +│ job-3/);
    expect(replayed.stdout).toContain(`trace: wrote ${tracePath}`);
    expect(replayed.stdout).toContain(`html: wrote ${htmlPath}`);
    const trace = JSON.parse(readFileSync(tracePath, "utf8")) as { traceEvents: { ph: string; name: string; args?: { name?: string } }[]; metadata: Record<string, unknown> };
    expect(trace.metadata).toMatchObject({ scenario: "async-sema-missing-release", token: sema.failure!.token, ok: false, traced: true });
    expect(trace.traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => e.args!.name)).toEqual(["world (reactor)", "job-0", "job-1", "job-2", "job-3"]);
    const html = readFileSync(htmlPath, "utf8");
    expect([...html.matchAll(/<g class="never-woken" data-task="([^"]+)"/g)].map((m) => m[1])).toEqual(["job-2", "job-3"]);
  }, 120_000);

  it("--shard explores disjoint seed blocks of an async scenario, and merge combines them", async () => {
    const [s0, s1] = await Promise.all([0, 1].map((i) => cli(["fuzz", PACKAGES, "--runs", "300", "--shard", `${i}/2`, "--json"])));
    for (const s of [s0!, s1!]) expect(s.code, s.stderr).toBe(1);
    const clean = [s0!, s1!].map((s) => results(s).find((r) => r.scenario === "async-lock-correct")!);
    expect(clean.map((r) => [r.ok, r.runs, r.blocks.map((b) => b.seed)])).toEqual([[true, 300, [0]], [true, 300, ["0:b1"]]]);
    const p0 = join(tmp, "shard-0.json");
    const p1 = join(tmp, "shard-1.json");
    writeFileSync(p0, s0!.stdout);
    writeFileSync(p1, s1!.stdout);
    const merged = await cli(["merge", p0, p1]);
    expect(merged.code, merged.stderr).toBe(1);
    expect(merged.stdout).toMatch(/ok +async-lock-correct .* 600 /);
    expect(merged.stdout).toMatch(/FAIL +p-limit-never-settles .* 2 failures, first: lost wakeup: 'job-0' is stuck pending/);
  }, 120_000);

  it("fuzz --corpus keeps async failures, and check replays them first", async () => {
    const corpus = join(tmp, "corpus");
    const fuzz = await cli(["fuzz", PACKAGES, "--runs", "50", "--corpus", corpus]);
    expect(fuzz.code, fuzz.stderr).toBe(1);
    expect(readdirSync(corpus).map((f) => f.replace(/--[0-9a-f]{8}\.json$/, "")).sort()).toEqual([
      "async-lock-reentered--panic",
      "async-sema-missing-release--lost-wakeup-quiescence",
      "p-limit-never-settles--lost-wakeup-quiescence",
    ]);
    const check = await cli(["check", "fixtures/promise", "--corpus", corpus, "--runs", "50", "--json"]);
    expect(check.code, check.stderr).toBe(1);
    const doc = JSON.parse(check.stdout) as { corpus: { entries: { scenario: string; status: string; message: string }[] } };
    expect(doc.corpus.entries.map((e) => [e.scenario, e.status]).sort()).toEqual([
      ["async-lock-reentered", "fail"],
      ["async-sema-missing-release", "fail"],
      ["p-limit-never-settles", "fail"],
    ]);
    expect(doc.corpus.entries.find((e) => e.scenario === "p-limit-never-settles")!.message).toBe("still fails: lost wakeup: 'job-0' is stuck pending (waker held, never woken)");
  }, 120_000);
});
