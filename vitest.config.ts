import { defineConfig } from "vitest/config";

// Tests sit beside their sources (src/**/x.test.ts); end-to-end tests that drive the
// built CLI, the kernel or a browser live in test/.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "kernel-ext/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: "forks",
  },
});
