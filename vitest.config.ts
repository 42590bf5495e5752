import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Two cores here: more workers only fight over them.
    maxWorkers: 2,
    reporters: ['default'],
    // CLI output is asserted as text; picocolors would colour it whenever CI is set.
    env: { NO_COLOR: '1' },
  },
})
