import { describe, expect, it } from "vitest";
import { browserPlan } from "./chromium.js";

const only = (...paths: string[]) => (p: string) => paths.includes(p);

describe("browserPlan (where the browser test finds a Chromium)", () => {
  it("runs with the browser found first: CHROMIUM_PATH, then PATH, then the usual places", () => {
    expect(browserPlan({ CHROMIUM_PATH: "/opt/c/chrome", PATH: "/usr/bin" }, only("/opt/c/chrome", "/usr/bin/chromium"))).toEqual({ run: "/opt/c/chrome" });
    expect(browserPlan({ WAKESIM_CHROMIUM: "/opt/c/chrome" }, only("/opt/c/chrome"))).toEqual({ run: "/opt/c/chrome" });
    expect(browserPlan({ PATH: "/home/u/bin:/usr/local/bin" }, only("/usr/local/bin/google-chrome", "/usr/bin/chromium"))).toEqual({ run: "/usr/local/bin/google-chrome" });
    expect(browserPlan({ PATH: "/home/u/bin" }, only("/usr/lib/chromium/chromium"))).toEqual({ run: "/usr/lib/chromium/chromium" });
    expect(browserPlan({}, only("/root/.cache/ms-playwright/chromium-1/chrome-linux/chrome"), "/root/.cache/ms-playwright/chromium-1/chrome-linux/chrome")).toEqual({
      run: "/root/.cache/ms-playwright/chromium-1/chrome-linux/chrome",
    });
  });

  it("skips with the reason when there is none, and fails when WAKESIM_REQUIRE_BROWSER=1", () => {
    expect(browserPlan({ PATH: "/usr/bin" }, only())).toMatchInlineSnapshot(`
      {
        "skip": "no Chromium found (looked for chromium, chromium-browser, google-chrome-stable, google-chrome, chrome on PATH, in 6 usual places and playwright's download): install one (Debian: apt-get install chromium) or set CHROMIUM_PATH to run it",
      }
    `);
    expect(browserPlan({ PATH: "/usr/bin", WAKESIM_REQUIRE_BROWSER: "1" }, only())).toMatchInlineSnapshot(`
      {
        "fail": "no Chromium found (looked for chromium, chromium-browser, google-chrome-stable, google-chrome, chrome on PATH, in 6 usual places and playwright's download), and WAKESIM_REQUIRE_BROWSER=1 requires one: install one (Debian: apt-get install chromium) or set CHROMIUM_PATH",
      }
    `);
  });

  it("fails on a CHROMIUM_PATH with nothing there, rather than quietly using another browser", () => {
    expect(browserPlan({ CHROMIUM_PATH: "/nope/chromium" }, only("/usr/bin/chromium"))).toMatchInlineSnapshot(`
      {
        "fail": "CHROMIUM_PATH=/nope/chromium: no executable there — point it at a Chromium binary, or unset it to look on PATH",
      }
    `);
  });
});
