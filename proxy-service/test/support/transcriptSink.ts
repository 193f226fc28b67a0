import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type TranscriptEntry, TranscriptBatchRequestSchema, transcriptKeyString } from '@interview-station/contracts';
import { jwtVerify } from 'jose';

/**
 * A recording stand-in for `interview-transcript` with its contract and its storage rule: the body
 * must match `TranscriptBatchRequest`, the bearer must be a valid session JWT for that session, and
 * rows are keyed `(session_id, item_id, content_index)` with ON CONFLICT DO NOTHING semantics.
 * Used where the real function is not the subject; the stack test uses the real one.
 */
export class TranscriptSink {
  readonly rows = new Map<string, TranscriptEntry>();
  readonly requests: { status: number; source: string; count: number }[] = [];
  /** Answer this many of the token service's (sideband) batches with 503 first, to prove retries. */
  failSideband = 0;
  private server: Server | null = null;
  url = '';

  constructor(private readonly secret: string) {}

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => void this.handle(req.headers.authorization ?? '', Buffer.concat(chunks).toString('utf8')).then(({ status, body }) => {
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
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ sessionId: entries[0]?.sessionId, entries }),
    });
    return { status: res.status, body: await res.json() };
  }

  async close(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(authorization: string, text: string): Promise<{ status: number; body: unknown }> {
    const record = (status: number, body: unknown, source = '', count = 0) => {
      this.requests.push({ status, source, count });
      return { status, body };
    };
    const parsed = TranscriptBatchRequestSchema.safeParse(JSON.parse(text));
    if (!parsed.success) return record(400, { code: 'VALIDATION_FAILED' });
    if (this.failSideband > 0 && parsed.data.entries[0]?.source === 'sideband') {
      this.failSideband -= 1;
      return record(503, { code: 'UPSTREAM_UNAVAILABLE' }, 'sideband', parsed.data.entries.length);
    }
    try {
      const token = /^Bearer (.+)$/.exec(authorization)?.[1] ?? '';
      const { payload } = await jwtVerify(token, new TextEncoder().encode(this.secret), { algorithms: ['HS256'] });
      if (payload['session_id'] !== parsed.data.sessionId) return record(403, { code: 'NOT_AUTHORIZED' });
    } catch {
      return record(401, { code: 'AUTHENTICATION_FAILED' });
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
