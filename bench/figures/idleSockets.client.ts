// Helper process of bench/figures/idleSockets.ts: holds authenticated /ws sockets open, spread over
// several 127.0.0.x source addresses (one address gives about 28,000 ephemeral ports to one
// server port). Session JWTs are signed here with node:crypto (HS256), as interview-start would.
import { createHmac, randomUUID } from 'node:crypto';
import WebSocket from 'ws';

const secret = String(process.env['SESSION_JWT_SECRET']);
const sockets: WebSocket[] = [];

function sign(claims: Record<string, unknown>): string {
  const head = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');
  const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return `${head}.${body}.${createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url')}`;
}

async function open(port: number, count: number, concurrency: number): Promise<{ open: number; failed: number; firstError: string | null }> {
  let failed = 0;
  let firstError: string | null = null;
  let next = 0;
  const start = sockets.length;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < count; n = next++) {
        const i = start + n;
        const now = Math.floor(Date.now() / 1000);
        // 1,000 sessions per tenant: a centre's worth, well under its rate limit.
        const token = sign({ sub: randomUUID(), tenant_id: `00000000-0000-4000-8000-${String(Math.floor(i / 1000)).padStart(12, '0')}`, session_id: randomUUID(), permissions: ['realtime:connect'], iat: now, exp: now + 3600 });
        const localAddress = `127.0.0.${2 + Math.floor(i / 20_000)}`;
        const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, { headers: { authorization: `Bearer ${token}` }, localAddress, perMessageDeflate: false });
        try {
          await new Promise((resolve, reject) => {
            ws.once('open', resolve);
            ws.once('error', reject);
            ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
          });
          ws.on('error', () => undefined);
          sockets.push(ws);
        } catch (error) {
          failed += 1;
          firstError ??= (error as Error).message;
        }
      }
    }),
  );
  return { open: sockets.filter((ws) => ws.readyState === WebSocket.OPEN).length, failed, firstError };
}

process.on('message', (message: { open?: number; port?: number; concurrency?: number } | string) => {
  if (message === 'exit') {
    for (const ws of sockets) ws.terminate();
    process.exit(0);
  }
  if (typeof message === 'object' && message.open !== undefined) {
    void open(message.port ?? 0, message.open, message.concurrency ?? 64).then((result) => process.send?.(result));
  }
});
process.send?.({ ready: true });
