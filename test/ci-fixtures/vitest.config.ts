import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

// Test files that fail in each way a CI run can fail, for test/ci-summary.test.ts (each run alone).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL(".", import.meta.url)),
    include: ["*.cifixture.ts"],
  },
});
