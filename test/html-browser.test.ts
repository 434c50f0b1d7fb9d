/**
 * End-to-end: the HTML report of a known failing scenario, opened in a real browser (a headless
 * Chromium driven by playwright-core, which never downloads one itself). Checks what a person
 * sees: one lane per task, wake arrows drawn with a length, the stuck task's "never woken"
 * marker visible, and the download button producing the trace JSON.
 *
 * Without a Chromium the test is skipped, with the reason in its name; with
 * WAKESIM_REQUIRE_BROWSER=1 (set by .ci/run, which installs Debian's chromium) it fails instead.
 * Where it looks: test/chromium.ts.
 */
import { accessSync, constants, mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { explore, replay } from "wakesim";
import { formatReport, toHtmlReport } from "wakesim/report";
import example from "../fixtures/example.js";
import { browserPlan } from "./chromium.js";

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const plan = browserPlan(process.env, isExecutable, playwrightDownload());
const CHROMIUM = "run" in plan ? plan.run : "";
const DRAWS = "draws the lanes, the wake arrows and the never-woken marker, and downloads the trace";

/** Where `npx playwright install chromium` puts the browser this playwright-core drives, if it says. */
function playwrightDownload(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

// A skipped test's name is listed only by some reporters: say why here too.
if ("skip" in plan) console.warn(`test/html-browser.test.ts skipped: ${plan.skip}`);

describe("HTML report in a real browser", () => {
  it.skipIf("skip" in plan)("skip" in plan ? `${DRAWS} (skipped: ${plan.skip})` : DRAWS, async () => {
    if ("fail" in plan) throw new Error(plan.fail);
    const token = explore(example, { runs: 100, seed: 0 }).failure!.token;
    const out = replay(example, token);
    const dir = mkdtempSync(join(tmpdir(), "wakesim-html-"));
    const file = join(dir, "report.html");
    writeFileSync(file, toHtmlReport(out, { scenario: example.name, report: formatReport(out, { scenario: example.name }), version: "test" }));

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
    });
    try {
      const page = await browser.newPage({ acceptDownloads: true });
      await page.goto(pathToFileURL(file).href);
      const lanes = await page.locator("g.lane[data-task]").evaluateAll((els) => els.map((e) => e.getAttribute("data-task")));
      expect(lanes.sort()).toEqual(["notifier", "waiter"]);
      const arrows = await page.locator("path.wake-arrow").evaluateAll((els) => els.map((e) => (e as unknown as { getTotalLength(): number }).getTotalLength()));
      expect(arrows.length).toBeGreaterThan(0);
      for (const len of arrows) expect(len).toBeGreaterThan(10); // really drawn, not degenerate
      const marker = page.locator('.never-woken[data-task="waiter"]');
      await expect.poll(() => marker.isVisible()).toBe(true);
      const box = await marker.boundingBox();
      expect(box!.width).toBeGreaterThan(0);
      const [download] = await Promise.all([page.waitForEvent("download"), page.click("#download-trace")]);
      const saved = join(dir, "trace.json");
      await download.saveAs(saved);
      const trace = JSON.parse(readFileSync(saved, "utf8")) as { traceEvents: unknown[]; metadata: { token: string } };
      expect(trace.metadata.token).toBe(token);
      expect(trace.traceEvents.length).toBeGreaterThan(10);
    } finally {
      await browser.close();
    }
  }, 60_000);
});
