import { defineConfig } from 'vitest/config';

// Integration tests talk to the real Incus daemon, each file in a throwaway project.
export default defineConfig({
  test: {
    include: ['electron/**/*.itest.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
});
