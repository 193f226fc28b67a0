// Test-only network faults between the sync engine and the real local Supabase.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the function answered to one request that passed through the fault-injecting proxy. */
export interface ProxiedAnswer {
  readonly status: number;
  readonly body: string;
  /** The answer was thrown away and the station's connection destroyed instead. */
  readonly lost: boolean;
}

export interface LosingProxy {
  readonly url: string;
  readonly answers: ProxiedAnswer[];
  stop(): Promise<void>;
}

/**
 * A FAULT-INJECTING HTTP proxy: forwards every request to the real gateway, waits for the whole
 * answer (so the function has committed), and for the first `loseFirst` transcript uploads
 * destroys the station's socket instead of replying: a response lost in flight.
 */
export async function startLosingProxy(targetUrl: string, loseFirst: number): Promise<LosingProxy> {
  const target = new URL(targetUrl);
  const answers: ProxiedAnswer[] = [];
  let lost = 0;
  const server = http.createServer((req, res) => {
    const upstream = http.request(
      { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          const body = Buffer.concat(chunks);
          const lose = (req.url ?? '').startsWith('/functions/v1/interview-transcript') && lost < loseFirst;
          answers.push({ status: answer.statusCode ?? 0, body: body.toString('utf8'), lost: lose });
          if (lose) {
            lost += 1;
            req.socket.destroy();
            return;
          }
          const headers = { ...answer.headers };
          delete headers['transfer-encoding'];
          res.writeHead(answer.statusCode ?? 502, { ...headers, 'content-length': String(body.length) });
          res.end(body);
        });
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answers,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
