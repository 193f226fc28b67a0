// Benchmark (not a test): mint throughput of the token service against a bare Node HTTP server
// that forwards the same request to the same upstream, in the same run (DESIGN.md: at least half
// the bare server's). Both servers and the Realtime simulator run in a child process; the load
// comes from this one (fixed concurrency, fixed duration).
//   npx tsx proxy-service/bench/mintThroughput.ts [seconds] [concurrency]
import { fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { SignJWT } from 'jose';

const SECONDS = Number(process.argv[2] ?? 5);
const CONCURRENCY = Number(process.argv[3] ?? 16);

async function servers(): Promise<void> {
  const { startRealtimeSimulator } = await import('../../devstack/realtime/index');
  const { loadConfig } = await import('../src/config');
  const { startTokenService } = await import('../src/server');
  const { createLogger } = await import('../src/logger');
  const sim = await startRealtimeSimulator();
  const service = await startTokenService(
    loadConfig({ ...process.env, OPENAI_API_KEY: sim.apiKey, OPENAI_BASE_URL: sim.url, PORT: '0', RATE_TENANT_PER_MINUTE: '100000', RATE_SESSION_PER_MINUTE: '10000',
      // Keys are minted for direct sessions only; the per-session mint bucket is opened to its maximum
      // here (256 sessions carry the whole load), so the bench measures minting, not the limiter.
      DEFAULT_ARCHITECTURE: 'direct', MINT_SESSION_BURST: '100', MINT_SESSION_PER_MINUTE: '600' }),
    { log: createLogger({ level: 'silent', secrets: [] }), defaultMetrics: false },
  );
  // The baseline: read the body, forward the same mint upstream, answer with what came back.
  const body = JSON.stringify({ expires_after: { anchor: 'created_at', seconds: 600 }, session: { type: 'realtime', model: 'gpt-realtime' } });
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', async () => {
      const answer = await fetch(`${sim.url}/v1/realtime/client_secrets`, { method: 'POST', headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' }, body });
      res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text());
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', () => resolve()));
  process.send?.({ service: service.url, bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}` });
}

async function load(url: string, body: () => Promise<{ headers: Record<string, string>; body: string }>): Promise<number> {
  let done = 0;
  const until = Date.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (Date.now() < until) {
        const request = await body();
        const res = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
        await res.text();
        if (res.status !== 200) throw new Error(`HTTP ${res.status}`);
        done += 1;
      }
    }),
  );
  return done / SECONDS;
}

async function main(): Promise<void> {
  const secret = randomBytes(32).toString('base64url');
  const child = fork(path.join(__dirname, 'mintThroughput.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_ROLE: 'servers', SESSION_JWT_SECRET: secret },
  });
  const urls = (await new Promise((resolve) => child.once('message', resolve))) as { service: string; bare: string };
  const key = new TextEncoder().encode(secret);
  // Tokens are signed ahead, as stations bring them; the service verifies each one.
  const tokens = await Promise.all(
    Array.from({ length: 256 }, async () => {
      const sessionId = randomUUID();
      const now = Math.floor(Date.now() / 1000);
      const token = await new SignJWT({ sub: randomUUID(), tenant_id: randomUUID(), session_id: sessionId, permissions: ['realtime:connect'], iat: now, exp: now + 3600 })
        .setProtectedHeader({ alg: 'HS256' })
        .sign(key);
      return { sessionId, token };
    }),
  );
  let next = 0;
  const mintRequest = async () => {
    const { sessionId, token } = tokens[next++ % tokens.length] as { sessionId: string; token: string };
    return { headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ sessionId }) };
  };
  await load(urls.bare, mintRequest); // warm-up
  const bare = await load(urls.bare, mintRequest);
  const service = await load(`${urls.service}/api/realtime/sessions`, mintRequest);
  console.log(JSON.stringify({ seconds: SECONDS, concurrency: CONCURRENCY, bareMintsPerSecond: Math.round(bare), serviceMintsPerSecond: Math.round(service), ratio: Math.round((service / bare) * 100) / 100 }));
  child.kill('SIGKILL');
}

void (process.env['BENCH_ROLE'] === 'servers' ? servers() : main());
