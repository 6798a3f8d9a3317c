import { defineConfig } from 'vitest/config';

// Tiers by suffix (*.unit / *.int / *.e2e) so the fast tier can run alone: `npx vitest run --project unit`.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/totals-reporter.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.unit.test.ts'] } },
      { extends: true, test: { name: 'int', include: ['test/**/*.int.test.ts'] } },
      { extends: true, test: { name: 'e2e', include: ['test/**/*.e2e.test.ts'] } },
    ],
  },
});
