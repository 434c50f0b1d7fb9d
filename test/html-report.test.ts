import { describe, expect, it } from "vitest";
import { asyncBlock, defineScenario, explore, exploreAsync, replay, replayAsync, runScenario, runScenarioAsync, type Outcome } from "wakesim";
import { formatReport, toChromeTrace, toHtmlReport } from "wakesim/report";
import example from "../fixtures/example.js";
import { mpscCorrect } from "../fixtures/mpsc.js";
import { asyncLockMisuse } from "../fixtures/promise/packages.js";
import { Flag, spin } from "./helpers.js";

const VERSION = "9.9.9-test";

function html(o: Outcome, scenario: string, seed?: number): string {
  const report = formatReport(o, { scenario, ...(seed === undefined ? {} : { seed }) });
  return toHtmlReport(o, { scenario, report, version: VERSION, ...(seed === undefined ? {} : { seed }) });
}

function exampleFailure(): Outcome {
  const found = explore(example, { runs: 100 });
  expect(found.failure).not.toBeNull();
  return replay(example, found.failure!.token);
}

/** Each task lane's markup, by its data-task (attribute values as written, i.e. escaped). */
function laneMarkup(doc: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of doc.matchAll(/<g class="lane" data-task="([^"]*)"[^>]*>([\s\S]*?)(?=<g class="lane|<g class="arrows")/g)) out.set(m[1]!, m[2]!);
  return out;
}

/** Every element opened is closed, in order (outside <script> and <style>; <meta> is void). */
function expectBalanced(doc: string): void {
  const body = doc.replace(/<script[^>]*>[\s\S]*?<\/script>/g, "").replace(/<style>[\s\S]*?<\/style>/g, "").replace(/<!doctype html>/i, "");
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][\w-]*)[^>]*?(\/?)>/g)) {
    const [, close, tag, self] = m;
    if (self === "/" || tag === "meta") continue;
    if (close === "/") expect(stack.pop(), `closing </${tag}>`).toBe(tag);
    else stack.push(tag!);
  }
  expect(stack).toEqual([]);
}

const embeddedTrace = (doc: string): unknown => JSON.parse(/<script type="application\/json" id="chrome-trace">([\s\S]*?)<\/script>/.exec(doc)![1]!);

describe("toHtmlReport", () => {
  it("draws the example's lanes, its wake arrows and the never-woken marker of the stuck task", () => {
    const o = exampleFailure();
    const doc = html(o, example.name, 5);
    expectBalanced(doc);
    const lanes = laneMarkup(doc);
    expect([...lanes.keys()].sort()).toEqual(["notifier", "waiter"]);
    expect(doc.match(/<g class="lane reactor"/g)).toHaveLength(1);
    const polls = [...lanes].map(([task, m]) => `${task}: ${[...m.matchAll(/<rect class="poll[^"]*" data-generation="(\d+)" data-result="(\w+)"/g)].map((p) => `g${p[1]} ${p[2]}`).join(", ")}`);
    expect(polls).toMatchInlineSnapshot(`
      [
        "waiter: g1 pending, g2 pending",
        "notifier: g1 pending, g2 ready",
      ]
    `);
    const arrows = [...doc.matchAll(/<path class="wake-arrow[^"]*" data-from="([^"]*)" data-to="([^"]*)" d="[^"]+" marker-end="url\(#wake-head\)">/g)].map((m) => `${m[1]} → ${m[2]}`);
    expect(arrows).toEqual(["reactor → notifier", "reactor → waiter"]);
    expect(doc).toContain('<marker id="wake-head"');
    // The stuck task's lane ends in the marker; the finished one has none.
    expect(lanes.get("waiter")).toMatch(/<g class="never-woken" data-task="waiter" data-diagnosis="waker-held-never-woken">[\s\S]*<text[^>]*>never woken<\/text>/);
    expect(lanes.get("notifier")).not.toContain("never-woken");
  });

  it("shows the report escaped in a <pre>, and the run's facts", () => {
    const o = exampleFailure();
    const report = formatReport(o, { scenario: example.name, seed: 5 });
    const doc = toHtmlReport(o, { scenario: example.name, report, seed: 5, version: VERSION });
    const pre = /<pre>([\s\S]*?)<\/pre>/.exec(doc)![1]!;
    const unescaped = pre.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n)));
    expect(unescaped).toBe(report);
    expect(doc).toContain(`<dt>token</dt><dd>${o.token}</dd>`);
    expect(doc).toContain(`<dt>seed</dt><dd>5</dd>`);
    expect(doc).toContain(`<dt>wakesim</dt><dd>${VERSION}</dd>`);
  });

  it("embeds the Chrome trace behind a download button", () => {
    const o = exampleFailure();
    const doc = html(o, example.name, 5);
    expect(doc).toMatch(/<button id="download-trace" type="button" data-filename="example-buggy-notify\.trace\.json">/);
    expect(embeddedTrace(doc)).toEqual(JSON.parse(JSON.stringify(toChromeTrace(o, { scenario: example.name, seed: 5, version: VERSION }))));
    expect(doc).toContain("URL.createObjectURL(new Blob(");
  });

  it("is self-contained: no network references", () => {
    const doc = html(exampleFailure(), example.name);
    expect(doc.match(/https?:\/\/\S*/g)).toBeNull();
    expect(doc.match(/<link|<img|<iframe|\ssrc=|@import|@font-face/gi)).toBeNull();
    expect(doc.match(/url\([^)]*\)/g)?.every((u) => u.startsWith("url(#"))).toBe(true);
  });

  it("escapes task names and messages taken from the run", () => {
    const evil = "<script>alert(1)</script>";
    const scenario = defineScenario({
      name: `xss-"quoted"-<b>`,
      setup(sim) {
        const flag = new Flag();
        sim.spawn(asyncBlock(function* () { yield* flag.wait(); }), { name: evil });
      },
    });
    const o = runScenario(scenario, { seed: 1, trace: true });
    expect(o.violations[0]?.kind).toBe("lost-wakeup");
    const doc = html(o, scenario.name);
    expectBalanced(doc);
    expect(doc.includes(evil), "the task name unescaped").toBe(false);
    expect(doc.includes("<b>"), "the scenario name unescaped").toBe(false);
    expect(doc.match(/<script/g)).toHaveLength(2); // ours: the embedded JSON and the button's handler
    const escaped = "&#60;script&#62;alert(1)&#60;/script&#62;";
    expect([...laneMarkup(doc).keys()]).toEqual([escaped]);
    expect(doc).toContain(`<g class="never-woken" data-task="${escaped}"`);
    expect(doc).toContain("<title>wakesim — xss-&#34;quoted&#34;-&#60;b&#62;: FAILED</title>");
    expect(embeddedTrace(doc)).toMatchObject({ metadata: { scenario: scenario.name } });
  });

  it("draws wakes between tasks and is deterministic", () => {
    const o = runScenario(mpscCorrect, { seed: 3, trace: true });
    const doc = html(o, mpscCorrect.name);
    expectBalanced(doc);
    expect([...laneMarkup(doc).keys()].sort()).toEqual(o.tasks.map((t) => t.name).sort());
    expect(doc).toMatch(/<path class="wake-arrow" data-from="(p1|p2|p3|rx|closer|supervisor)" data-to="/);
    expect(doc.includes('class="never-woken"'), "a never-woken marker in a run without lost wakeups").toBe(false);
    expect(html(runScenario(mpscCorrect, { seed: 3, trace: true }), mpscCorrect.name)).toBe(doc);
  });

  it("draws only the end of a long run, and says so", () => {
    const long = defineScenario({ name: "long", setup: (sim) => void sim.spawn(spin(1000, "done"), { name: "spinner" }) });
    const o = runScenario(long, { seed: 0, trace: true });
    const doc = html(o, long.name);
    expectBalanced(doc);
    expect(doc).toMatch(/Showing the last 1500 of \d+ trace events; the Chrome trace has them all\./);
    const xs = [...doc.matchAll(/<rect class="poll[^"]*" data-generation="\d+" data-result="\w+" x="(\d+)"/g)].map((m) => Number(m[1]));
    expect(xs.length).toBeGreaterThan(400);
    expect(xs.length).toBeLessThan(o.polls);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(170); // nothing drawn over the lane labels
    expect(doc).toContain('data-result="ready"');
  });

  it("draws a failing run with async tasks: their lanes, the panic, the never-woken markers, and replayAsync in the report", async () => {
    const found = await exploreAsync(asyncLockMisuse, { runs: 50 });
    const o = await replayAsync(asyncLockMisuse, found.failure!.token);
    const doc = html(o, asyncLockMisuse.name, 0);
    expectBalanced(doc);
    const lanes = laneMarkup(doc);
    expect([...lanes.keys()]).toEqual(["alice", "bob", "carol", "auditor"]);
    const polls = [...lanes].map(([task, m]) => `${task}: ${[...m.matchAll(/<rect class="poll[^"]*" data-generation="(\d+)" data-result="(\w+)"/g)].map((p) => `g${p[1]} ${p[2]}`).join(", ")}`);
    expect(polls).toEqual(["alice: g1 pending", "bob: g1 pending", "carol: g1 pending", "auditor: g1 pending, g2 panicked"]);
    const arrows = [...doc.matchAll(/<path class="wake-arrow[^"]*" data-from="([^"]*)" data-to="([^"]*)"/g)].map((m) => `${m[1]} → ${m[2]}`);
    expect(arrows).toEqual(["reactor → auditor"]);
    for (const stuck of ["alice", "bob", "carol"]) expect(lanes.get(stuck)).toMatch(new RegExp(`<g class="never-woken" data-task="${stuck}" data-diagnosis="waker-held-never-woken">`));
    expect(lanes.get("auditor")).not.toContain("never-woken");
    expect(doc).toContain("await replayAsync(scenario, &#34;ws1.");
    expect(embeddedTrace(doc)).toMatchObject({ metadata: { scenario: asyncLockMisuse.name, token: o.token } });
  });

  it("says so when the run was not traced", async () => {
    const doc = html(runScenario(example, { seed: 0 }), example.name);
    expect(doc).toContain("This run was not traced");
    expect(doc.includes("<svg"), "lanes for an untraced run").toBe(false);
    expect(doc).toContain('id="download-trace"');
    expect(html(await runScenarioAsync(asyncLockMisuse, { seed: 0 }), asyncLockMisuse.name)).toContain("replay it (replayAsync() always traces)");
  });
});
