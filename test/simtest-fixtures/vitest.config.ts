import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Runs the simTest fixtures (which fail on purpose) in a child process for test/simtest.test.ts.
const src = (p: string) => fileURLToPath(new URL(`../../src/${p}`, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^wakesim\/vitest$/, replacement: src("vitest.ts") },
      { find: /^wakesim$/, replacement: src("index.ts") },
    ],
  },
  test: {
    root: fileURLToPath(new URL("../..", import.meta.url)),
    include: ["test/simtest-fixtures/*.simtest.ts"],
  },
});
