// 1,000 interviews started at once on loopback: each one interview-start (edge function, Postgres)
// then a key minted by the token service for that session (a direct session), all 1,000 launched
// together. The local stack's rate limits are raised for this (see bench/stack.ts): the figure is
// the start path under a burst, not the limiters.
import { type Bench, type BenchOptions, type Row, judge, median, percentile, round } from '../lib';
import { benchStack } from '../stack';

export const startBurst: Bench = {
  name: 'start-burst',
  title: '1,000 interviews started at once (interview-start + mint) on loopback',
  async run(options: BenchOptions): Promise<Row[]> {
    const count = options.quick ? 50 : 1_000;
    const stack = await benchStack();
    // Warm-up: the functions' isolate, connection pools, the token service's settings query.
    for (let i = 0; i < 3; i++) await startOne();
    const errors = new Map<string, number>();
    const latencies: number[] = [];
    const startLatencies: number[] = [];
    const t = performance.now();
    await Promise.all(
      Array.from({ length: count }, async () => {
        const r = await startOne();
        if (r.error) errors.set(r.error, (errors.get(r.error) ?? 0) + 1);
        else {
          latencies.push(r.ms);
          startLatencies.push(r.startMs);
        }
      }),
    );
    const seconds = (performance.now() - t) / 1000;
    const failed = [...errors.values()].reduce((a, b) => a + b, 0);
    options.log(`start burst: ${count} in ${round(seconds, 1)} s, ${failed} errors${failed ? ` (${[...errors].map(([k, v]) => `${k}: ${v}`).join(', ')})` : ''}`);
    return [
      {
        figure: `${count.toLocaleString('en-US')} interviews started at once (interview-start + mint): p99`,
        value: latencies.length ? Math.round(percentile(latencies, 99)) : null,
        unit: 'ms',
        stat: 'p99',
        p95: latencies.length ? Math.round(percentile(latencies, 95)) : null,
        target: '0 errors, p99 reported',
        met: judge(options, failed === 0),
        runs: 1,
        note: `${failed} errors of ${count}; all done in ${round(seconds, 1)} s; interview-start's and the token service's rate limits raised for the bench`,
        detail: {
          errors: Object.fromEntries(errors),
          medianMs: Math.round(median(latencies)),
          interviewStartP99Ms: Math.round(percentile(startLatencies, 99)),
          wallSeconds: round(seconds, 2),
        },
      },
    ];

    async function startOne(): Promise<{ ms: number; startMs: number; error?: string }> {
      const t0 = performance.now();
      try {
        const started = await stack.startInterview('direct');
        const startMs = performance.now() - t0;
        if (!started.sessionId || !started.sessionToken) return { ms: 0, startMs, error: `interview-start ${started.status} ${started.code ?? ''}`.trim() };
        const res = await fetch(`${started.tokenServiceUrl ?? stack.tokenService.url}/api/realtime/sessions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${started.sessionToken}` },
          body: JSON.stringify({ sessionId: started.sessionId }),
        });
        const body = (await res.json().catch(() => ({}))) as { clientSecret?: string; code?: string; error?: { code?: string } };
        if (res.status !== 200 || !body.clientSecret) return { ms: 0, startMs, error: `mint ${res.status} ${body.code ?? body.error?.code ?? ''}`.trim() };
        return { ms: performance.now() - t0, startMs };
      } catch (error) {
        return { ms: 0, startMs: 0, error: (error as Error).message };
      }
    }
  },
};
