import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends the run with one plain line, `Tests: N passed, N failed, N skipped`, after vitest's own
 * summary, so any tool reading the last line sees the outcome. A run that executed no test fails.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    const counts = { passed: 0, failed: 0, skipped: 0 };
    let electronSkipped = 0;
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') counts.passed++;
        else if (state === 'failed') counts.failed++;
        else counts.skipped++;
        if (state !== 'passed' && state !== 'failed' && test.name.includes('skipped: Electron binary not installed')) electronSkipped++;
      }
      if (module.state() === 'failed' && module.children.size === 0) counts.failed++;
    }
    counts.failed += unhandledErrors.length;
    if (counts.passed + counts.failed === 0) {
      process.exitCode = 1;
      process.stdout.write('\nNo test was executed: failing the run.\n');
    }
    if (electronSkipped > 0) process.stdout.write(`\nElectron suite: ${electronSkipped} tests skipped: Electron binary not installed\n`);
    process.stdout.write(`\nTests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
