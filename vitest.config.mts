import { defineConfig } from 'vitest/config';

/**
 * The two scenarios that load both cores by themselves (hundreds of WebRTC peers, hundreds of
 * station kills) run after everything else, one at a time, so neither starves the other or a
 * browser test into a timeout on the 2-core machines.
 */
const ALONE = ['test/chaos/chaos.stack.test.ts', 'test/fleet/**/*.test.ts'];

export default defineConfig({
  test: {
    exclude: ['**/node_modules/**', 'out/**'],
    reporters: ['default', './test/support/summaryReporter.ts'],
    testTimeout: 20_000,
    hookTimeout: 60_000,
    // Browser and packaging tests start processes; two workers suit the 2-core machines.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: 'station',
          include: ['{contracts,electron,preload,renderer,proxy-service,supabase,devstack,test}/**/*.test.{ts,tsx}'],
          exclude: ['**/node_modules/**', 'out/**', ...ALONE],
        },
      },
      ...ALONE.map((include, i) => ({ extends: true as const, test: { name: include.split('/')[1]!, include: [include], sequence: { groupOrder: i + 1 } } })),
    ],
  },
});
