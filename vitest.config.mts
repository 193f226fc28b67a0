import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{contracts,electron,preload,renderer,proxy-service,supabase,devstack,test}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'out/**'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Browser and packaging tests start processes; two workers suit the 2-core machines.
    maxWorkers: 2,
  },
});
