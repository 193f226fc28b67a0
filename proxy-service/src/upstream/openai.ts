import { ProviderIdSchema } from '@interview-station/contracts';
import { type UpstreamOperation, type UpstreamProblem, upstreamFailure } from '../errors';
import type { ServiceMetrics } from '../metrics';
import type { SessionSettings } from '../sessionSettings';

/** The OpenAI Realtime operations the token service needs, behind an interface (REALTIME.md §7). */
export interface RealtimeUpstream {
  /** Where a client posts its offer with an ephemeral key. */
  readonly callsUrl: string;
  mintClientSecret(settings: SessionSettings, seconds: number): Promise<{ value: string; expiresAt: number }>;
  /** The server-side ("unified") form: the standard key, the SDP and the session in one multipart POST. */
  createCall(offerSdp: string, settings: SessionSettings): Promise<{ answerSdp: string; callId: string }>;
  hangup(callId: string): Promise<void>;
  /** The sideband WebSocket of a call and the headers it needs (the standard key). */
  sideband(callId: string): { url: string; headers: Record<string, string> };
  /** Whether the API answers at all (for /readyz); sends no credentials. */
  reachable(): Promise<boolean>;
}

/** What the station asks of every session: transcription on (it is off by default), server VAD. */
export function sessionBody(settings: SessionSettings): Record<string, unknown> {
  return {
    type: 'realtime',
    model: settings.model,
    instructions: settings.instructions,
    audio: {
      input: {
        transcription: { model: 'gpt-4o-transcribe', ...(settings.language ? { language: settings.language } : {}) },
        turn_detection: { type: 'server_vad' },
      },
      output: { voice: settings.voice },
    },
  };
}

/** The GA Realtime API over fetch, with a timeout on every request and failures mapped to contract codes. */
export class OpenAIRealtime implements RealtimeUpstream {
  readonly callsUrl: string;
  private readonly base: string;

  constructor(
    private readonly options: { baseUrl: string; apiKey: string; timeoutMs: number; metrics: ServiceMetrics },
  ) {
    this.base = options.baseUrl.replace(/\/+$/, '');
    this.callsUrl = `${this.base}/v1/realtime/calls`;
  }

  async mintClientSecret(settings: SessionSettings, seconds: number): Promise<{ value: string; expiresAt: number }> {
    const res = await this.request('mint', '/v1/realtime/client_secrets', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ expires_after: { anchor: 'created_at', seconds }, session: sessionBody(settings) }),
    });
    const body = (await res.json().catch(() => null)) as { value?: unknown; expires_at?: unknown } | null;
    if (typeof body?.value !== 'string' || typeof body.expires_at !== 'number') throw this.fail('mint', { kind: 'http', status: 502, upstreamCode: 'bad_body' });
    return { value: body.value, expiresAt: body.expires_at };
  }

  async createCall(offerSdp: string, settings: SessionSettings): Promise<{ answerSdp: string; callId: string }> {
    const form = new FormData();
    form.set('sdp', offerSdp);
    form.set('session', JSON.stringify(sessionBody(settings)));
    const res = await this.request('call', '/v1/realtime/calls', { method: 'POST', body: form });
    const answerSdp = await res.text().catch(() => '');
    const callId = (res.headers.get('location') ?? '').split('/').filter(Boolean).pop() ?? '';
    if (!answerSdp.startsWith('v=0') || !ProviderIdSchema.safeParse(callId).success) {
      throw this.fail('call', { kind: 'http', status: 502, upstreamCode: 'bad_answer' });
    }
    return { answerSdp, callId };
  }

  async hangup(callId: string): Promise<void> {
    try {
      await this.request('hangup', `/v1/realtime/calls/${encodeURIComponent(callId)}/hangup`, { method: 'POST' });
    } catch (error) {
      // A call that is already gone is hung up: ending is idempotent.
      if ((error as { error?: { code?: string } }).error?.code === 'SESSION_ENDED') return;
      throw error;
    }
  }

  sideband(callId: string): { url: string; headers: Record<string, string> } {
    const url = new URL(`${this.base}/v1/realtime`);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.searchParams.set('call_id', callId);
    return { url: url.toString(), headers: { authorization: `Bearer ${this.options.apiKey}` } };
  }

  async reachable(): Promise<boolean> {
    try {
      const res = await fetch(`${this.base}/v1/models`, { signal: AbortSignal.timeout(Math.min(this.options.timeoutMs, 3000)) });
      await res.body?.cancel();
      return res.status < 500;
    } catch {
      return false;
    }
  }

  private async request(operation: UpstreamOperation, path: string, init: RequestInit): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        ...init,
        headers: { ...(init.headers as Record<string, string> | undefined), authorization: `Bearer ${this.options.apiKey}` },
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const name = (error as Error).name;
      throw this.fail(operation, { kind: name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network' });
    }
    if (res.ok) return res;
    const body = (await res.json().catch(() => null)) as { error?: { code?: unknown } } | null;
    const upstreamCode = typeof body?.error?.code === 'string' ? body.error.code : null;
    throw this.fail(operation, { kind: 'http', status: res.status, upstreamCode });
  }

  private fail(operation: UpstreamOperation, problem: UpstreamProblem) {
    const failure = upstreamFailure(operation, problem);
    this.options.metrics.upstreamErrors.inc({ operation, code: failure.error.code });
    return failure;
  }
}
