import { defineConfig } from "vitest/config";

// Unit tests of the Worker's pure functions (Node's fetch, crypto and Headers are the same web APIs).
// The Worker as a whole is tested under `wrangler dev` by tests/gateway/ (pytest, real backend).
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    environment: "node",
  },
});
