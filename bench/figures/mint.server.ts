// Helper process of bench/figures/mint.ts: the server under test, alone in its process. ROLE=sim
// runs the Realtime simulator (the upstream); ROLE=servers runs the token service and the bare
// baseline server, both forwarding to that upstream.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

async function sim(): Promise<void> {
  const { startRealtimeSimulator } = await import('../../devstack/realtime/index');
  const handle = await startRealtimeSimulator();
  process.send?.({ url: handle.url, apiKey: handle.apiKey });
}

async function servers(): Promise<void> {
  const upstream = String(process.env['UPSTREAM_URL']);
  const apiKey = String(process.env['UPSTREAM_KEY']);
  const { loadConfig } = await import('../../proxy-service/src/config');
  const { startTokenService } = await import('../../proxy-service/src/server');
  const { createLogger } = await import('../../proxy-service/src/logger');
  const { sessionBody } = await import('../../proxy-service/src/upstream/openai');
  const config = loadConfig({
      ...process.env,
      OPENAI_API_KEY: apiKey,
      OPENAI_BASE_URL: upstream,
      PORT: '0',
      RATE_TENANT_PER_MINUTE: '100000',
      RATE_SESSION_PER_MINUTE: '10000',
      // Keys are minted for direct sessions only; the per-session mint bucket is opened to its
      // maximum (the load spreads over 1,024 sessions), so the figure is minting, not the limiter.
      DEFAULT_ARCHITECTURE: 'direct',
      MINT_SESSION_BURST: '100',
      MINT_SESSION_PER_MINUTE: '600',
    LOG_LEVEL: 'silent',
  });
  const service = await startTokenService(config, { log: createLogger({ level: 'silent', secrets: [] }), defaultMetrics: false });
  // The baseline: read the body, forward the same mint (the same session body) upstream, answer
  // with what came back. No checks at all.
  const body = JSON.stringify({
    expires_after: { anchor: 'created_at', seconds: config.EPHEMERAL_KEY_SECONDS },
    session: sessionBody({ architecture: 'direct', model: config.DEFAULT_MODEL, voice: config.DEFAULT_VOICE, instructions: config.DEFAULT_INSTRUCTIONS, maxDurationSeconds: config.DEFAULT_MAX_DURATION_SECONDS }),
  });
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      void fetch(`${upstream}/v1/realtime/client_secrets`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body })
        .then(async (answer) => res.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()))
        .catch(() => res.writeHead(502).end());
    });
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', () => resolve()));
  process.send?.({ service: `${service.url}/api/realtime/sessions`, bare: `http://127.0.0.1:${(bare.address() as AddressInfo).port}/` });
}

// `exit`: leave normally, so that --cpu-prof writes its profile.
process.on('message', (message) => {
  if (message === 'exit') process.exit(0);
  // CPU time of this process (user + system, µs): per mint, the steadiest figure on a noisy machine.
  if (message === 'cpu') {
    const { user, system } = process.cpuUsage();
    process.send?.(user + system);
  }
});
void (process.env['ROLE'] === 'sim' ? sim() : servers());
