// Token service mints/s at concurrency 64 beside a bare Node HTTP server that forwards the same
// mint to the same upstream (the Realtime simulator), in the same run. Each server under test runs
// alone in a helper process; the simulator in another; the load comes from this process. Rounds
// alternate bare and service so that the machine's noise falls on both.
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { SignJWT } from 'jose';
import { type Bench, type BenchOptions, type Row, helper, judge, median, percentile, round } from '../lib';

const CONCURRENCY = 64;
const SERVER = path.join(import.meta.dirname, 'mint.server.ts');

async function load(url: string, seconds: number, request: () => { headers: Record<string, string>; body: string }, cpu: () => Promise<number>) {
  const cpuBefore = await cpu();
  let done = 0;
  let errors = 0;
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until) {
        const { headers, body } = request();
        const t = performance.now();
        const res = await fetch(url, { method: 'POST', headers, body });
        await res.text();
        latencies.push(performance.now() - t);
        if (res.status === 200) done += 1;
        else errors += 1;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpuMicros = (await cpu()) - cpuBefore;
  return { perSecond: done / elapsed, errors, p95: percentile(latencies, 95), cpuMicrosEach: cpuMicros / Math.max(1, done) };
}

export const mint: Bench = {
  name: 'mint',
  title: 'token service mints/s at concurrency 64 vs a bare forwarding server',
  async run(options: BenchOptions): Promise<Row[]> {
    const rounds = options.quick ? 1 : (options.runs ?? 8);
    const seconds = options.quick ? 1 : 2;
    const secret = randomBytes(32).toString('base64url');
    const sim = await helper<{ url: string; apiKey: string }>(SERVER, { ROLE: 'sim' });
    const prof = process.env['BENCH_CPU_PROF'];
    const servers = await helper<{ service: string; bare: string }>(
      SERVER,
      { ROLE: 'servers', SESSION_JWT_SECRET: secret, UPSTREAM_URL: sim.ready.url, UPSTREAM_KEY: sim.ready.apiKey },
      prof ? ['--cpu-prof', `--cpu-prof-dir=${prof}`] : [],
    );
    try {
      const key = new TextEncoder().encode(secret);
      // Tokens are signed ahead, as stations bring them; the service verifies each one.
      const tokens = await Promise.all(
        Array.from({ length: 1024 }, async () => {
          const sessionId = randomUUID();
          const now = Math.floor(Date.now() / 1000);
          const token = await new SignJWT({ sub: randomUUID(), tenant_id: randomUUID(), session_id: sessionId, permissions: ['realtime:connect'], iat: now, exp: now + 3600 })
            .setProtectedHeader({ alg: 'HS256' })
            .sign(key);
          return { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ sessionId }) };
        }),
      );
      let next = 0;
      const request = () => tokens[next++ % tokens.length] as { headers: Record<string, string>; body: string };
      const cpu = () => servers.ask<number>('cpu');
      // Warm-up of both (JIT, connection pools, the simulator).
      for (let i = 0; i < (options.quick ? 1 : 3); i++) {
        await load(servers.ready.bare, options.quick ? 0.5 : 1.5, request, cpu);
        await load(servers.ready.service, options.quick ? 0.5 : 1.5, request, cpu);
      }
      const bare: Awaited<ReturnType<typeof load>>[] = [];
      const service: Awaited<ReturnType<typeof load>>[] = [];
      for (let i = 0; i < rounds; i++) {
        // ABBA order, so that a drift of the machine's load falls on both alike.
        if (i % 2 === 0) {
          bare.push(await load(servers.ready.bare, seconds, request, cpu));
          service.push(await load(servers.ready.service, seconds, request, cpu));
        } else {
          service.push(await load(servers.ready.service, seconds, request, cpu));
          bare.push(await load(servers.ready.bare, seconds, request, cpu));
        }
        options.log(`mint round ${i + 1}/${rounds}: bare ${Math.round(bare.at(-1)!.perSecond)}/s (${Math.round(bare.at(-1)!.cpuMicrosEach)} µs CPU each), service ${Math.round(service.at(-1)!.perSecond)}/s (${Math.round(service.at(-1)!.cpuMicrosEach)} µs CPU each)`);
      }
      const errors = [...bare, ...service].reduce((n, r) => n + r.errors, 0);
      if (errors > 0) throw new Error(`mint: ${errors} requests were not answered 200`);
      const b = median(bare.map((r) => r.perSecond));
      const s = median(service.map((r) => r.perSecond));
      // Each round's pair ran back to back: the median of the pairs' ratios is steadier than the
      // ratio of the medians when the machine's load drifts during the run.
      const perRound = service.map((r, i) => r.perSecond / (bare[i]?.perSecond ?? NaN));
      const ratio = median(perRound);
      return [
        {
          figure: 'token service mints/s, concurrency 64',
          value: Math.round(s),
          unit: 'mints/s',
          stat: 'median',
          baseline: Math.round(b),
          baselineLabel: 'bare Node HTTP server forwarding the same mint',
          ratio: round(ratio),
          target: '≥ 0.8×',
          met: judge(options, ratio >= 0.8),
          runs: rounds,
          note: 'ratio: median over rounds of service/bare, each pair measured back to back (ABBA order)',
          detail: {
            secondsPerRound: seconds,
            perRoundRatios: perRound.map((r) => round(r)),
            ratioOfMedians: round(s / b),
            // The server process's CPU per mint (it is the bottleneck: one core each way on two).
            serviceCpuMicrosPerMint: Math.round(median(service.map((r) => r.cpuMicrosEach))),
            bareCpuMicrosPerMint: Math.round(median(bare.map((r) => r.cpuMicrosEach))),
            serviceLatencyP95Ms: round(median(service.map((r) => r.p95)), 1),
            bareLatencyP95Ms: round(median(bare.map((r) => r.p95)), 1),
          },
        },
      ];
    } finally {
      await servers.stop();
      await sim.stop();
    }
  },
};
