// Benchmark (not a test): memory per idle SDP proxy socket, against DESIGN.md's target of 10,000
// concurrent idle sessions in one process under 10 KB each. The server runs in a child process
// (so the clients' memory is not counted); heap and RSS are sampled there before and after.
//   npx tsx proxy-service/bench/idleSockets.ts [count]
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import { SignJWT } from 'jose';
import WebSocket from 'ws';

const COUNT = Number(process.argv[2] ?? 2000);

async function server(): Promise<void> {
  const { loadConfig } = await import('../src/config');
  const { startTokenService } = await import('../src/server');
  const { createLogger } = await import('../src/logger');
  const service = await startTokenService(loadConfig(process.env), { log: createLogger({ level: 'silent', secrets: [] }), defaultMetrics: false });
  const sample = () => {
    global.gc?.();
    const m = process.memoryUsage();
    return { heap: m.heapUsed, rss: m.rss, sockets: service.registry.size };
  };
  process.on('message', (msg: string) => process.send?.(msg === 'sample' ? sample() : null));
  process.send?.({ url: service.url });
}

async function main(): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  const child = fork(path.join(__dirname, 'idleSockets.ts'), [], {
    execArgv: ['--import', 'tsx', '--expose-gc'],
    env: { ...process.env, BENCH_ROLE: 'server', OPENAI_API_KEY: 'sk-bench-0000000000', OPENAI_BASE_URL: 'http://127.0.0.1:9', SESSION_JWT_SECRET: secret, PORT: '0', RATE_TENANT_PER_MINUTE: '100000', RATE_SESSION_PER_MINUTE: '100' },
  });
  const ask = (msg: string) => new Promise<Record<string, number>>((resolve) => child.once('message', (m) => resolve(m as Record<string, number>)) && child.send(msg));
  const { url } = (await new Promise((resolve) => child.once('message', resolve))) as { url: string };
  const before = await ask('sample');
  const key = new TextEncoder().encode(secret);
  const tenant = randomUUID();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < COUNT; i += 1) {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: randomUUID(), tenant_id: tenant, session_id: randomUUID(), permissions: ['realtime:connect'], iat: now, exp: now + 3600 })
      .setProtectedHeader({ alg: 'HS256' })
      .sign(key);
    const ws = new WebSocket(`${url.replace('http', 'ws')}/ws`, { headers: { authorization: `Bearer ${token}` } });
    await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
    sockets.push(ws);
  }
  const after = await ask('sample');
  const perSocket = (k: string) => Math.round(((after[k] ?? 0) - (before[k] ?? 0)) / COUNT);
  console.log(JSON.stringify({ sockets: after['sockets'], heapBytesPerSocket: perSocket('heap'), rssBytesPerSocket: perSocket('rss') }));
  for (const ws of sockets) ws.terminate();
  child.kill('SIGKILL');
}

void (process.env['BENCH_ROLE'] === 'server' ? server() : main());
