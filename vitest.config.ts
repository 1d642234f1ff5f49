import { defineConfig } from 'vitest/config';

// Unit tests: pure logic beside the code, no daemon needed.
export default defineConfig({
  test: {
    include: ['electron/**/*.test.ts', 'shared/**/*.test.ts', 'renderer/**/*.test.{ts,tsx}', 'scripts/**/*.test.ts'],
  },
});
