import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";
import { wakesimAliases } from "../aliases.js";

// Runs the simTest fixtures (which fail on purpose) in a child process for test/simtest.test.ts.
export default defineConfig({
  resolve: { alias: wakesimAliases(new URL("../../src/", import.meta.url)) },
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/simtest-fixtures/*.simtest.ts"],
  },
});
