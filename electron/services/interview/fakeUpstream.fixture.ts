import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectionMode } from '@interview-station/contracts';

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
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeUpstream> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const upstream = new FakeUpstream(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (request, response) => {
      let text = '';
      request.on('data', (chunk: Buffer) => (text += chunk.toString()));
      request.on('end', () => {
        const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
        const path = new URL(request.url ?? '/', upstream.url).pathname;
        upstream.calls.push({ path, body });
        const answer = upstream.answer(path, body);
        response.writeHead(answer ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(answer ?? { code: 'NOT_FOUND', message: 'no route', retryable: false }));
      });
    });
    return upstream;
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
