import { RealtimeCall, type CallSnapshot } from './call';
import { type CallFault, FaultQueue, type FaultRule } from './faults';
import { KeyStore, RateLimiter, keyRef } from './keys';
import type { Logger } from './log';
import { ApiError } from './openaiErrors';
import type { InterviewScript } from './script';
import { type RealtimeSession, type SessionConfig, applySessionConfig, defaultSession, newId } from './session';
import { SpeechBank } from './speech';

export interface SimulatorSettings {
  readonly apiKey: string;
  readonly sessionMaxMs: number;
  readonly script: InterviewScript;
  readonly rateLimitPerMinute: number | undefined;
  readonly transcriptionDelayMs: number;
  readonly log: Logger;
}

const ENDED_CALLS_KEPT = 200;

/**
 * The simulator's state and operations, independent of HTTP: keys, calls, faults. The HTTP layer
 * authenticates and parses; this class decides.
 */
export class RealtimeSimulator {
  readonly keys: KeyStore;
  readonly limiter: RateLimiter;
  readonly faults = new FaultQueue();
  private readonly bank = new SpeechBank();
  private readonly calls = new Map<string, RealtimeCall>();
  private readonly ended = new Map<string, CallSnapshot>();
  /** The session cap of calls started from now on (settable while running, for tests and by hand). */
  sessionMaxMs: number;
  /** The script of calls started from now on (settable while running, for benchmarks). */
  script: InterviewScript;

  constructor(private readonly settings: SimulatorSettings) {
    this.sessionMaxMs = settings.sessionMaxMs;
    this.script = settings.script;
    this.keys = new KeyStore(settings.apiKey);
    this.limiter = new RateLimiter(settings.rateLimitPerMinute);
  }

  /** `POST /v1/realtime/client_secrets`, after authentication and validation. */
  mintClientSecret(config: SessionConfig | undefined, seconds: number) {
    const expiresAtMs = Date.now() + seconds * 1000;
    let lifetimeMs = seconds * 1000;
    for (const fault of this.faults.take('mint')) {
      if (fault.kind === 'expire-key') lifetimeMs = Math.min(lifetimeMs, fault.afterMs);
    }
    const session = this.sessionFrom(config, Math.floor(expiresAtMs / 1000));
    const { value } = this.keys.mint(session, lifetimeMs);
    this.settings.log('client_secret.created', { key: keyRef(value), session: session.id, seconds });
    // The reported expiry is the one the client asked for: an injected early expiry is a surprise.
    return { value, expires_at: Math.floor(expiresAtMs / 1000), session };
  }

  sessionFrom(config: SessionConfig | undefined, expiresAt = Math.floor(Date.now() / 1000) + 600): RealtimeSession {
    const base = defaultSession(expiresAt);
    return config ? applySessionConfig(base, config) : base;
  }

  /** `POST /v1/realtime/calls`: applies connect faults, answers the offer, returns the call id and answer SDP. */
  async startCall(session: RealtimeSession, offerSdp: string): Promise<{ callId: string; answer: string }> {
    const faults = this.faults.take('call');
    const refuse = faults.find((f) => f.kind === 'refuse-sdp');
    if (refuse) {
      this.settings.log('fault', { kind: 'refuse-sdp' });
      throw new ApiError(refuse.status ?? 500, 'server_error', null, 'The server had an error while processing your request (injected fault).');
    }
    const delay = faults.find((f) => f.kind === 'delay-answer');
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay.ms));
    const callId = newId('rtc', 16);
    const call = new RealtimeCall({
      id: callId,
      session: structuredClone(session),
      script: this.script,
      bank: this.bank,
      sessionMaxMs: this.sessionMaxMs,
      faults: faults.filter((f) => f.kind !== 'delay-answer'),
      transcriptionDelayMs: this.settings.transcriptionDelayMs,
      log: this.settings.log,
      onEnded: (ended) => this.onEnded(ended),
    });
    this.calls.set(callId, call);
    try {
      const answer = await call.answer(offerSdp);
      this.settings.log('call.started', { call: callId, session: session.id });
      return { callId, answer };
    } catch (error) {
      await call.end('offer rejected');
      this.ended.delete(callId);
      throw ApiError.badRequest('invalid_offer', `The SDP offer could not be applied: ${(error as Error).message.slice(0, 200)}`, 'sdp');
    }
  }

  /** An active call, or the 404 OpenAI answers for an unknown one. */
  activeCall(callId: string): RealtimeCall {
    const call = this.calls.get(callId);
    if (!call) throw ApiError.notFound(`Call '${callId.slice(0, 64)}' not found.`);
    return call;
  }

  /** `POST /calls/{id}/hangup`: ends an active call; an already ended one is fine (idempotent). */
  async hangup(callId: string): Promise<void> {
    if (this.ended.has(callId)) return;
    await this.activeCall(callId).end('hangup');
  }

  /** Fault injection and inspection, for tests and the control endpoint. */
  addFault(rule: FaultRule): void {
    this.faults.add(rule);
    this.settings.log('fault.queued', { kind: rule.fault.kind, calls: rule.calls ?? 1 });
  }

  faultCall(callId: string, fault: CallFault): void {
    this.activeCall(callId).inject(fault);
  }

  snapshots(): CallSnapshot[] {
    return [...[...this.calls.values()].map((c) => c.snapshot()), ...this.ended.values()];
  }

  snapshot(callId: string): CallSnapshot | undefined {
    return this.calls.get(callId)?.snapshot() ?? this.ended.get(callId);
  }

  async close(): Promise<void> {
    await Promise.all([...this.calls.values()].map((call) => call.end('simulator closed')));
  }

  private onEnded(call: RealtimeCall): void {
    this.calls.delete(call.id);
    this.ended.set(call.id, call.snapshot());
    if (this.ended.size > ENDED_CALLS_KEPT) this.ended.delete(this.ended.keys().next().value as string);
  }
}
