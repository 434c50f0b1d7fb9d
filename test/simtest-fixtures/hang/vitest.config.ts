import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { wakesimAliases } from "../../aliases.js";

// Runs the hanging simTest fixture in a child process for test/cli-watchdog.test.ts.
export default defineConfig({
  resolve: { alias: wakesimAliases(new URL("../../../src/", import.meta.url)) },
  test: {
    root: fileURLToPath(new URL("../../..", import.meta.url)),
    include: ["test/simtest-fixtures/hang/*.simtest.ts"],
  },
});
