import { type IncomingHttpHeaders, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TranscriptEntry, TranscriptBatchRequestSchema, transcriptKeyString } from '@interview-station/contracts';
import { jwtVerify } from 'jose';

/**
 * A recording stand-in for `interview-transcript` behind the hosted gateway, with its contract and
 * its storage rule: the gateway's `verify_jwt` wants a project JWT as the bearer (the anon key,
 * also sent as `apikey`), the function wants the session JWT in `x-session-token` for the batch's
 * session, the body must match `TranscriptBatchRequest`, and rows are keyed
 * `(session_id, item_id, content_index)` with ON CONFLICT DO NOTHING semantics. Used where the
 * real function is not the subject; the stack test uses the real one.
 */
export class TranscriptSink {
  readonly rows = new Map<string, TranscriptEntry>();
  readonly requests: { status: number; source: string; count: number }[] = [];
  /** Answer this many of the token service's (sideband) batches with 503 first, to prove retries. */
  failSideband = 0;
  private server: Server | null = null;
  url = '';

  constructor(
    private readonly secret: string,
    /** The project's anon key: the only bearer the gateway stand-in lets through. */
    readonly anonKey = 'anon-key-of-the-test-project',
  ) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.handle(req.headers, Buffer.concat(chunks).toString('utf8')).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', () => resolve()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/functions/v1/interview-transcript`;
    return this;
  }

  /** What the station's own path does with an entry from its data channel. */
  async upload(token: string, entries: TranscriptEntry[]): Promise<{ status: number; body: unknown }> {
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${this.anonKey}`, apikey: this.anonKey, 'x-session-token': token },
      body: JSON.stringify({ sessionId: entries[0]?.sessionId, entries }),
    });
    return { status: res.status, body: await res.json() };
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(headers: IncomingHttpHeaders, text: string): Promise<{ status: number; body: unknown }> {
    const record = (status: number, body: unknown, source = '', count = 0) => {
      this.requests.push({ status, source, count });
      return { status, body };
    };
    // The gateway (verify_jwt = true): a project JWT, never the session JWT, as the bearer.
    if (headers.authorization !== `Bearer ${this.anonKey}` || headers['apikey'] !== this.anonKey) {
      return record(401, { code: 'AUTHENTICATION_FAILED', message: 'gateway: invalid JWT', retryable: false });
    }
    const parsed = TranscriptBatchRequestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return record(400, { code: 'VALIDATION_FAILED', message: 'bad batch', retryable: false });
    if (this.failSideband > 0 && parsed.data.entries[0]?.source === 'sideband') {
      this.failSideband -= 1;
      return record(503, { code: 'UPSTREAM_UNAVAILABLE', message: 'try again', retryable: true }, 'sideband', parsed.data.entries.length);
    }
    try {
      const token = String(headers['x-session-token'] ?? '');
      const { payload } = await jwtVerify(token, new TextEncoder().encode(this.secret), { algorithms: ['HS256'] });
      if (payload['session_id'] !== parsed.data.sessionId) return record(403, { code: 'NOT_AUTHORIZED', message: 'another session', retryable: false });
    } catch {
      return record(401, { code: 'AUTHENTICATION_FAILED', message: 'bad session token', retryable: false });
    }
    let accepted = 0;
    for (const entry of parsed.data.entries) {
      const key = transcriptKeyString(entry);
      if (this.rows.has(key)) continue;
      this.rows.set(key, entry);
      accepted += 1;
    }
    const source = parsed.data.entries[0]?.source ?? '';
    return record(200, { accepted, duplicates: parsed.data.entries.length - accepted }, source, parsed.data.entries.length);
  }
}
