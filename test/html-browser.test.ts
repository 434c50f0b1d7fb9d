/**
 * End-to-end: the HTML report of a known failing scenario, opened in a real browser (Debian's
 * headless Chromium, driven by playwright-core; .ci/run installs it). Checks what a person
 * sees: one lane per task, wake arrows drawn with a length, the stuck task's "never woken"
 * marker visible, and the download button producing the trace JSON.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { describe, expect, it } from "vitest";
import { explore, formatReport, replay, toHtmlReport } from "wakesim";
import example from "../fixtures/example.js";

const CHROMIUM = process.env.WAKESIM_CHROMIUM ?? "/usr/bin/chromium";

describe("HTML report in a real browser", () => {
  it("draws the lanes, the wake arrows and the never-woken marker, and downloads the trace", async () => {
    expect(existsSync(CHROMIUM), `no browser at ${CHROMIUM}: install Debian's chromium (apt-get install chromium), as .ci/run does`).toBe(true);
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
