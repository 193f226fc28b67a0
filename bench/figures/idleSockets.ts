// Idle authenticated SDP proxy sockets (hybrid sessions) held by one token service process: RSS per
// socket at 10,000, and whether 50,000 are held. The server and the clients run in two helper
// processes with a raised open-files limit; the server's RSS is sampled after a full GC before the
// first socket and at each step (10,000, then 50,000).
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { type Bench, type BenchOptions, type Row, helper, judge, openFilesHardLimit, round } from '../lib';

interface Sample {
  heap: number;
  rss: number;
  external: number;
  arrayBuffers: number;
  sessions: number;
}

const TARGET_HELD = 50_000;
/** File descriptors a process keeps for itself (its modules, pipes, the listening socket). */
const SPARE_FDS = 300;

export const idleSockets: Bench = {
  name: 'idle-sockets',
  title: 'idle authenticated SDP proxy sockets in one process (RSS each, held)',
  async run(options: BenchOptions): Promise<Row[]> {
    // One socket is one file descriptor in the server: it can hold at most its open-files limit.
    const fdLimit = openFilesHardLimit();
    const capacity = fdLimit - SPARE_FDS;
    const goal = options.quick ? 1_000 : TARGET_HELD;
    const steps = options.quick ? [500, 1_000] : [10_000, Math.min(goal, capacity)];
    const secret = randomBytes(32).toString('base64url');
    const env = { SESSION_JWT_SECRET: secret };
    const server = await helper<{ port: number }>(path.join(import.meta.dirname, 'idleSockets.server.ts'), env, ['--expose-gc']);
    // The clients need as many descriptors: spread them over enough processes.
    const clients = await Promise.all(
      Array.from({ length: Math.ceil((steps.at(-1) ?? 0) / capacity) }, () => helper<{ ready: true }>(path.join(import.meta.dirname, 'idleSockets.client.ts'), env)),
    );
    const openMore = async (count: number) => {
      const share = Math.ceil(count / clients.length);
      const results = await Promise.all(
        clients.map((client) => client.ask<{ open: number; failed: number; firstError: string | null }>({ open: share, port: server.ready.port, concurrency: 32 })),
      );
      return { failed: results.reduce((n, r) => n + r.failed, 0), firstError: results.find((r) => r.firstError)?.firstError ?? null };
    };
    try {
      const before = await server.ask<Sample>('sample');
      if (process.env['BENCH_HEAP_SNAPSHOT']) await server.ask('snapshot');
      const samples: { held: number; sample: Sample; failed: number; seconds: number }[] = [];
      let held = 0;
      for (const step of steps) {
        const t = performance.now();
        const opened = await openMore(step - held);
        const sample = await server.ask<Sample>('sample');
        held = sample.sessions;
        if (process.env['BENCH_HEAP_SNAPSHOT']) await server.ask('snapshot');
        samples.push({ held, sample, failed: opened.failed, seconds: (performance.now() - t) / 1000 });
        options.log(`idle sockets: ${held} held (${opened.failed} failed${opened.firstError ? `: ${opened.firstError}` : ''}), server RSS ${Math.round(sample.rss / 2 ** 20)} MB, heap ${Math.round(sample.heap / 2 ** 20)} MB`);
        if (held < step) break;
      }
      const perSocket = (s: { held: number; sample: Sample }, key: keyof Sample) => (s.sample[key] - before[key]) / s.held;
      const first = samples[0];
      const last = samples.at(-1);
      if (!first || !last) throw new Error('no sample');
      const kb = (bytes: number) => round(bytes / 1024, 2);
      return [
        {
          figure: `idle SDP proxy sockets: RSS each at ${steps[0]?.toLocaleString('en-US')}`,
          value: kb(perSocket(first, 'rss')),
          unit: 'KB',
          stat: 'one run',
          target: '≤ 6 KB',
          met: judge(options, perSocket(first, 'rss') <= 6 * 1024),
          runs: 1,
          detail: {
            heapKBEach: kb(perSocket(first, 'heap')),
            externalKBEach: kb(perSocket(first, 'external')),
            serverRssMBBefore: Math.round(before.rss / 2 ** 20),
            serverRssMBAt: Math.round(first.sample.rss / 2 ** 20),
            openSeconds: round(first.seconds, 1),
          },
        },
        {
          figure: 'idle SDP proxy sockets held in one process',
          value: last.held,
          unit: 'sockets',
          stat: 'held',
          target: `${goal.toLocaleString('en-US')} held`,
          met: judge(options, last.held >= goal),
          runs: 1,
          ...(last.held < goal && capacity < goal
            ? { note: `open-files hard limit here is ${fdLimit.toLocaleString('en-US')} per process (raising it needs CAP_SYS_RESOURCE, not granted): held ${last.held.toLocaleString('en-US')}, all the limit allows` }
            : {}),
          detail: {
            rssKBEach: kb(perSocket(last, 'rss')),
            heapKBEach: kb(perSocket(last, 'heap')),
            serverRssMB: Math.round(last.sample.rss / 2 ** 20),
            failed: last.failed,
            sessions: last.sample.sessions,
            openSeconds: round(last.seconds, 1),
          },
        },
      ];
    } finally {
      await Promise.all(clients.map((client) => client.stop()));
      await server.stop();
    }
  },
};
