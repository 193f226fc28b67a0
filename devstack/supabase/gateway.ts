import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { jwtVerify } from 'jose';
import type { AuthHandler } from './auth/server';

/**
 * LOCAL STAND-IN for the Supabase API gateway (Kong and the edge runtime's front): one loopback
 * origin for `@supabase/supabase-js`, routing `/auth/v1/*` to the auth stand-in and
 * `/functions/v1/*` to the Deno functions runtime. Like the hosted platform it requires a project
 * API key on auth routes, answers CORS preflights, and enforces each function's `verify_jwt` from
 * supabase/config.toml: the `Authorization` bearer must be a JWT signed with the project's JWT
 * secret and not expired (any project JWT: the anon key passes), else 401 before the function runs.
 */
export interface Gateway {
  /** The project URL given to `createClient`. */
  readonly url: string;
  /** Points `/functions/v1` at the Deno runtime once it is up. */
  setFunctionsUrl(url: string): void;
  close(): Promise<void>;
}

export interface GatewayOptions {
  readonly auth: AuthHandler;
  /** Keys accepted in the `apikey` header (anon and service role). */
  readonly apiKeys: readonly string[];
  /** The project's JWT secret (HS256), which signs user tokens and the API keys. */
  readonly jwtSecret: string;
  /** `verify_jwt` per function name (supabase/config.toml); an unlisted function gets true, as hosted. */
  readonly verifyJwt: ReadonlyMap<string, boolean>;
}

const CORS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-headers': 'authorization, x-client-info, apikey, content-type, x-supabase-api-version, x-session-token',
  'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
};

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { ...CORS, 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** The hosted platform's answer when verify_jwt refuses a request (before the function runs). */
async function refusedJwt(req: IncomingMessage, secret: Uint8Array): Promise<string | undefined> {
  const header = req.headers.authorization;
  if (!header) return 'Missing authorization header';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) return 'Invalid JWT';
  try {
    await jwtVerify(match[1] as string, secret, { algorithms: ['HS256'] });
    return undefined;
  } catch {
    return 'Invalid JWT';
  }
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  let functionsUrl: URL | undefined;
  const secret = new TextEncoder().encode(options.jwtSecret);

  async function proxy(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!functionsUrl) return sendJson(res, 503, { message: 'edge functions are starting' });
    const name = /^\/functions\/v1\/([^/?#]+)/.exec(req.url ?? '')?.[1] ?? '';
    if (options.verifyJwt.get(name) ?? true) {
      const refused = await refusedJwt(req, secret);
      if (refused) {
        // The body is never read: the request stops here, as on the platform.
        res.once('finish', () => {
          if (!req.complete) req.destroy();
        });
        sendJson(res, 401, { code: 401, message: refused });
        return;
      }
    }
    const upstream = http.request(
      {
        hostname: functionsUrl.hostname,
        port: functionsUrl.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: functionsUrl.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) sendJson(res, 502, { message: 'edge functions unreachable' });
      else res.destroy();
    });
    req.pipe(upstream);
  }

  const server = http.createServer((req, res) => {
    const path = req.url ?? '/';
    if (req.method === 'OPTIONS') {
      res.writeHead(204, CORS).end();
      return;
    }
    if (path.startsWith('/functions/v1/')) {
      proxy(req, res).catch(() => {
        if (!res.headersSent) sendJson(res, 502, { message: 'edge functions unreachable' });
        else res.destroy();
      });
      return;
    }
    if (path.startsWith('/auth/v1/')) {
      const apikey = req.headers['apikey'];
      if (typeof apikey !== 'string' || !options.apiKeys.includes(apikey)) {
        return sendJson(res, 401, { message: apikey ? 'Invalid API key' : 'No API key found in request' });
      }
      void options.auth(req, res, path.slice('/auth/v1'.length));
      return;
    }
    if (path.startsWith('/rest/v1/') || path.startsWith('/storage/v1/') || path.startsWith('/realtime/v1/')) {
      return sendJson(res, 501, { message: 'not part of the local stack (only auth and functions are)' });
    }
    sendJson(res, 404, { message: 'no route matched' });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setFunctionsUrl(url) {
      functionsUrl = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
