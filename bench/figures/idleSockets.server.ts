// Helper process of bench/figures/idleSockets.ts: the token service alone in its process, with
// hybrid sessions (the SDP proxy's), sampled on request (after a full GC) so that only the server's
// memory is counted.
import path from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

async function main(): Promise<void> {
  const { loadConfig } = await import('../../proxy-service/src/config');
  const { startTokenService } = await import('../../proxy-service/src/server');
  const { createLogger } = await import('../../proxy-service/src/logger');
  const service = await startTokenService(
    loadConfig({
      ...process.env,
      OPENAI_API_KEY: 'sk-bench-0000000000',
      // Nothing goes upstream: the sockets stay idle.
      OPENAI_BASE_URL: 'http://127.0.0.1:9',
      PORT: '0',
      HOST: '127.0.0.1',
      DEFAULT_ARCHITECTURE: 'hybrid',
      RATE_TENANT_PER_MINUTE: '100000',
      RATE_SESSION_PER_MINUTE: '100',
      LOG_LEVEL: 'silent',
    }),
    { log: createLogger({ level: 'silent', secrets: [] }), defaultMetrics: false },
  );
  const sample = () => {
    for (let i = 0; i < 3; i++) global.gc?.();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, rss: m.rss, external: m.external, arrayBuffers: m.arrayBuffers, sessions: service.registry.size };
  };
  process.on('message', (message: unknown) => {
    if (message === 'exit') process.exit(0);
    if (message === 'sample') process.send?.(sample());
    // Development aid (BENCH_HEAP_SNAPSHOT=dir): what each socket holds, by constructor.
    if (message === 'snapshot' && process.env['BENCH_HEAP_SNAPSHOT']) {
      global.gc?.();
      process.send?.({ file: writeHeapSnapshot(path.join(process.env['BENCH_HEAP_SNAPSHOT'], `idle-${service.registry.size}.heapsnapshot`)) });
    }
  });
  process.send?.({ port: Number(new URL(service.url).port) });
}

void main();
