import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionMode } from '@interview-station/contracts';

/** The tenant `station-context` describes. */
export const FAKE_CONTEXT = {
  userId: '5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f',
  tenantId: '6d7e8f9a-0b1c-4d2e-9f3a-4b5c6d7e8f9a',
  companyId: '1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d',
  templateId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  sharedTemplateId: '8b7c6d5e-4f3a-4b2c-9d1e-0f9a8b7c6d5e',
} as const;

/** A token service running for real beside the stand-in: its URL and how to sign its session JWTs. */
interface RealTokenService {
  readonly url: string;
  sign(sessionId: string): Promise<string>;
}

/** One request the fake upstream received: which path, with which body. */
export interface UpstreamCall {
  readonly path: string;
  readonly body: Record<string, unknown>;
}

/**
 * Stands in for the edge functions and the token service in unit tests: answers `interview-start`
 * with a session of the architecture it was asked for, `interview-status`, `interview-end`, the
 * token service's mint and end, and records every call (so a test can prove nothing was sent).
 */
export class FakeUpstream {
  readonly calls: UpstreamCall[] = [];
  /** Paths answered 503 (a gateway down), recorded like the others. */
  readonly failing = new Set<string>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /**
   * With `tokenService`, `interview-start` hands out that (real) token service and a session JWT it
   * signs for the new session, instead of this server's stand-in.
   */
  static async start(tokenService?: RealTokenService): Promise<FakeUpstream> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const upstream = new FakeUpstream(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        void (async () => {
          const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
          const path = new URL(request.url ?? '/', upstream.url).pathname;
          upstream.calls.push({ path, body });
          if (upstream.failing.has(path)) {
            response.writeHead(503, { 'content-type': 'text/plain' }).end('Service Unavailable');
            return;
          }
          const answer = await upstream.withTokenService(upstream.answer(path, body), tokenService);
          response.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? { code: 'NOT_FOUND', message: 'no route', retryable: false }));
        })();
      });
    });
    return upstream;
  }

  /** An `interview-start` answer pointed at a real token service, with a session JWT it accepts. */
  private async withTokenService(answer: unknown, tokenService: RealTokenService | undefined): Promise<unknown> {
    const started = answer as { sessionId?: string; webrtcConfig?: Record<string, unknown> } | undefined;
    if (!tokenService || !started?.sessionId || !started.webrtcConfig) return answer;
    const websocketUrl = started.webrtcConfig['websocketUrl'] === undefined ? {} : { websocketUrl: `${tokenService.url.replace('http', 'ws')}/ws` };
    return {
      ...started,
      sessionToken: await tokenService.sign(started.sessionId),
      webrtcConfig: { ...started.webrtcConfig, tokenServiceUrl: tokenService.url, ...websocketUrl },
    };
  }

  /** Calls other than `interview-start` (the ones a refused channel must never make). */
  callsAfterStart(): UpstreamCall[] {
    return this.calls.filter((call) => !call.path.endsWith('/interview-start'));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private answer(path: string, body: Record<string, unknown>): unknown {
    const now = new Date();
    if (path === '/functions/v1/interview-start') {
      const architecture = (body['architecture'] ?? 'hybrid') as ConnectionMode;
      return {
        sessionId: randomUUID(),
        sessionToken: 'eyJ.session-jwt',
        webrtcConfig: {
          architecture,
          tokenServiceUrl: `${this.url}/token`,
          ...(architecture === 'hybrid' ? { websocketUrl: `${this.url.replace('http', 'ws')}/token/ws` } : {}),
          model: 'gpt-realtime',
          voice: 'marin',
          instructions: 'Interview.',
          iceServers: [],
          maxDurationSeconds: 600,
        },
        metadata: { createdAt: now.toISOString(), expiresAt: new Date(now.getTime() + 3_600_000).toISOString() },
      };
    }
    if (path === '/functions/v1/station-context') {
      return {
        user: { id: FAKE_CONTEXT.userId, email: 'proctor@example.com', role: 'proctor', tenantId: FAKE_CONTEXT.tenantId },
        tenantName: 'Acme',
        companies: [{ id: FAKE_CONTEXT.companyId, name: 'Acme Robotics' }],
        templates: [
          { id: FAKE_CONTEXT.templateId, companyId: FAKE_CONTEXT.companyId, name: 'Backend engineer', maxDurationSeconds: 600 },
          { id: FAKE_CONTEXT.sharedTemplateId, companyId: null, name: 'Shared screening', maxDurationSeconds: 300 },
        ],
      };
    }
    if (path === '/token/healthz') return { status: 'ok' };
    if (path === '/token/readyz') return { status: 'ready' };
    if (path === '/functions/v1/interview-status') return { sessionId: body['sessionId'], status: body['status'] };
    if (path === '/functions/v1/interview-end') return { sessionId: body['sessionId'], status: 'ended', endedAt: now.toISOString(), transcriptCount: 0 };
    if (path === '/token/api/realtime/sessions') {
      return {
        clientSecret: `ek_${randomUUID()}`,
        expiresAt: new Date(now.getTime() + 60_000).toISOString(),
        model: 'gpt-realtime',
        callsUrl: `${this.url}/v1/realtime/calls`,
        iceServers: [],
        websocketUrl: `${this.url.replace('http', 'ws')}/token/ws`,
      };
    }
    const end = /^\/token\/api\/realtime\/sessions\/([^/]+)\/end$/.exec(path);
    if (end) return { sessionId: end[1], ended: true, alreadyEnded: false };
    return undefined;
  }
}
