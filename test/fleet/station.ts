import { type EdgeFunctionName, type RealtimeServerEvent, type TranscriptEntry, edgeFunctionUrl, finalTranscriptOf } from '../../contracts';
import WebSocket from 'ws';
import { OfferingPeer } from '../../proxy-service/test/support/offerer';

/**
 * A station in a Node process, as the fleet scenario needs hundreds of them: a werift peer (the
 * renderer's RTCPeerConnection and `oai-events`), the SDP proxy socket through the app's public
 * URL (so Fly's proxy picks the machine), and what main does around them: the status reports,
 * the journal of final transcripts (here: in memory) uploaded to `interview-transcript`, the end
 * at the token service and at `interview-end`. Its socket reconnects with backoff whenever it
 * drops without `session_ended` (a machine died or drained); the call itself is peer-to-peer and
 * goes on meanwhile.
 */
export interface StationContext {
  readonly supabaseUrl: string;
  readonly anonKey: string;
  readonly proctorToken: string;
  /** The token service's public URL (the Fly proxy). */
  readonly appUrl: string;
}

const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 1_000;

export class SimulatedStation {
  peer = new OfferingPeer();
  /** Offers made: a call that does not connect is replaced by a new one, as the station's retry does. */
  attempts = 0;
  /** Final transcripts heard on the data channel, by key: the station's journal. */
  readonly journal = new Map<string, TranscriptEntry>();
  reconnects = 0;
  /** New realtime calls after one failed mid-interview (the station's continuity path). */
  recalls = 0;
  /** Why calls did not connect (replaced by a new call each time). */
  readonly callFailures: string[] = [];
  /** Interviewer lines asked for so far (`response.create`). */
  private wanted = 1;
  private calling = false;
  private socket: WebSocket | null = null;
  private ready = false;
  private ended = false;

  private constructor(
    private readonly ctx: StationContext,
    readonly sessionId: string,
    private readonly token: string,
  ) {
    this.listen();
  }

  private listen(): void {
    const peer = this.peer;
    // A call that fails mid-interview (the peer connection, not the socket) is replaced by a new
    // one that is given the transcript so far, as the station's continuity path does.
    peer.pc.connectionStateChange.subscribe((state) => {
      if ((state === 'failed' || state === 'closed') && peer === this.peer && !this.ended && !this.calling) void this.recall();
    });
    peer.channel.onMessage.subscribe((data) => {
      const final = finalTranscriptOf(JSON.parse(data.toString()) as RealtimeServerEvent, this.sessionId);
      if (!final) return;
      const now = new Date().toISOString();
      this.journal.set(`${final.itemId}/${final.contentIndex}`, { ...final, speechStartedAt: now, source: 'client', receivedAt: now });
    });
  }

  /** interview-start (hybrid) as the proctor. */
  static async start(ctx: StationContext, body: Record<string, unknown>): Promise<SimulatedStation> {
    const started = (await callFunction(ctx, 'interview-start', body)) as { sessionId: string; sessionToken: string };
    return new SimulatedStation(ctx, started.sessionId, started.sessionToken);
  }

  /** Socket, offer → answer, connected peer, `live`; a call that does not connect is retried with a new one. */
  async connect(): Promise<void> {
    await callFunction(this.ctx, 'interview-status', { sessionId: this.sessionId, status: 'connecting' });
    await this.openSocket();
    await this.callWithRetries();
    await callFunction(this.ctx, 'interview-status', { sessionId: this.sessionId, status: 'live' });
  }

  private async callWithRetries(): Promise<void> {
    this.calling = true;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.call();
          break;
        } catch (error) {
          this.callFailures.push((error as Error).message.slice(0, 120));
          if (attempt >= 3) throw error;
          await this.replacePeer();
        }
      }
    } finally {
      this.calling = false;
    }
    // The transcript so far, as text, then the lines still wanted: the interviewer continues.
    for (const entry of this.journal.values()) {
      this.peer.channel.send(JSON.stringify({ type: 'conversation.item.create', item: { type: 'message', role: entry.speaker === 'ai' ? 'assistant' : 'user', content: [{ type: entry.speaker === 'ai' ? 'output_text' : 'input_text', text: entry.content }] } }));
    }
    for (let line = this.journal.size; line < this.wanted; line++) this.peer.channel.send(JSON.stringify({ type: 'response.create' }));
  }

  private async replacePeer(): Promise<void> {
    const old = this.peer;
    this.peer = new OfferingPeer();
    this.listen();
    await old.close();
  }

  private async recall(): Promise<void> {
    this.recalls += 1;
    await this.replacePeer();
    await until(() => this.ready || this.ended);
    if (this.ended) return;
    await this.callWithRetries().catch(() => undefined);
  }

  private async call(): Promise<void> {
    this.attempts += 1;
    const offer = await this.peer.offer();
    const answer = await retry(() => this.request({ type: 'offer', sessionId: this.sessionId, data: { sdp: offer } }, 'answer'), 5);
    await this.peer.accept((answer['data'] as { sdp: string }).sdp);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('data channel did not open')), 25_000);
      if (this.peer.channel.readyState === 'open') return (clearTimeout(timer), resolve());
      this.peer.channel.stateChanged.subscribe((state) => state === 'open' && (clearTimeout(timer), resolve()));
    });
  }

  /** The interviewer's next line (what a candidate's turn or the app's `response.create` triggers). */
  nextLine(): void {
    this.wanted += 1;
    if (!this.calling && this.peer.channel.readyState === 'open') this.peer.channel.send(JSON.stringify({ type: 'response.create' }));
  }

  finals(): number {
    return this.journal.size;
  }

  /** Whether the SDP proxy socket is open and the session ready on its owner. */
  get connected(): boolean {
    return this.ready;
  }

  /** End at the token service (its owner hangs up), the journal uploaded, then interview-end. */
  async end(): Promise<{ status: string; transcriptCount: number }> {
    await retry(async () => {
      const res = await fetch(`${this.ctx.appUrl}/api/realtime/sessions/${this.sessionId}/end`, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
        body: '{}',
      });
      const text = await res.text();
      if (res.status !== 200) throw new Error(`token service end: ${res.status} ${text}`);
    });
    this.ended = true;
    this.socket?.close();
    await callFunction(this.ctx, 'interview-transcript', { sessionId: this.sessionId, entries: [...this.journal.values()] });
    const ended = (await callFunction(this.ctx, 'interview-end', { sessionId: this.sessionId, reason: 'completed' })) as { status: string; transcriptCount: number };
    await this.peer.close();
    return ended;
  }

  async close(): Promise<void> {
    this.ended = true;
    this.socket?.terminate();
    await this.peer.close();
  }

  private openSocket(): Promise<void> {
    return retry(
      () =>
        new Promise<void>((resolve, reject) => {
          const ws = new WebSocket(`${this.ctx.appUrl.replace(/^http/, 'ws')}/ws`, { headers: { authorization: `Bearer ${this.token}` } });
          ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
          ws.once('error', reject);
          ws.once('open', () => {
            this.socket = ws;
            ws.on('message', (data) => {
              const message = JSON.parse(data.toString()) as { type: string };
              if (message.type === 'session_ready') this.ready = true;
              if (message.type === 'session_ended') this.ended = true;
            });
            ws.once('close', () => {
              this.ready = false;
              if (this.socket === ws) this.socket = null;
              if (!this.ended) void this.reconnect();
            });
            ws.send(JSON.stringify({ type: 'session', sessionId: this.sessionId, data: {} }));
            resolve();
          });
        }),
    );
  }

  private async reconnect(): Promise<void> {
    this.reconnects += 1;
    await this.openSocket().catch(() => undefined);
  }

  /** Sends a message on the socket and waits for the reply of `type` (an `error` rejects). */
  private request(message: unknown, type: string): Promise<Record<string, unknown>> {
    const ws = this.socket;
    if (!ws) return Promise.reject(new Error('no socket'));
    return new Promise((resolve, reject) => {
      const onMessage = (data: WebSocket.RawData) => {
        const reply = JSON.parse(data.toString()) as Record<string, unknown>;
        if (reply['type'] !== type && reply['type'] !== 'error') return;
        ws.off('message', onMessage);
        if (reply['type'] === 'error') reject(new Error(`proxy error: ${JSON.stringify(reply['data'])}`));
        else resolve(reply);
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify(message));
    });
  }
}

/** A station function, as main calls it (the proctor's token, the gateway's apikey). */
export async function callFunction(ctx: StationContext, name: EdgeFunctionName, body: unknown): Promise<unknown> {
  return retry(async () => {
    const res = await fetch(edgeFunctionUrl(ctx.supabaseUrl, name), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ctx.proctorToken}`, apikey: ctx.anonKey },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (res.status >= 500 || res.status === 429) throw new Error(`${name}: ${res.status} ${text}`);
    if (res.status !== 200) throw new RefusedError(`${name}: ${res.status} ${text}`);
    return JSON.parse(text) as unknown;
  });
}

class RefusedError extends Error {}

async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((resolve) => setTimeout(resolve, 100));
}

/** Retries with backoff, as the station does (a refusal is not retried). */
async function retry<T>(work: () => Promise<T>, attempts = 60): Promise<T> {
  let delay = RECONNECT_MIN_MS;
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (error instanceof RefusedError || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay * (0.5 + Math.random())));
      delay = Math.min(RECONNECT_MAX_MS, delay * 2);
    }
  }
}
