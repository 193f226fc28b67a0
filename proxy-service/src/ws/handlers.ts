import { type SdpClientMessage, type SdpProxyMessage, StationFailure } from '@interview-station/contracts';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import type { Limiter } from '../rateLimit';
import type { SessionRegistry, LiveSession } from '../sessions';
import { type SessionSettingsSource, assertArchitecture } from '../sessionSettings';
import type { RealtimeUpstream } from '../upstream/openai';

/** What a handler may use: the caller's session and the service's parts. */
export interface HandlerContext {
  readonly session: LiveSession;
  readonly reply: (message: SdpProxyMessage) => void;
  readonly log: Logger;
}

export interface HandlerDeps {
  readonly registry: SessionRegistry;
  readonly upstream: RealtimeUpstream;
  readonly settings: SessionSettingsSource;
  readonly limits: Limiter;
  readonly metrics: ServiceMetrics;
}

type MessageOf<T extends SdpClientMessage['type']> = Extract<SdpClientMessage, { type: T }>;
type Handler<T extends SdpClientMessage['type']> = (ctx: HandlerContext, message: MessageOf<T>) => Promise<void>;
type AnyHandler = (ctx: HandlerContext, message: SdpClientMessage) => Promise<void>;
export type HandlerMap = ReadonlyMap<SdpClientMessage['type'], AnyHandler>;

const now = () => new Date().toISOString();

/**
 * The SDP proxy's message routing: one handler per client message type (CONVENTIONS.md §9). Every
 * handler runs after the message matched the contract and its `sessionId` matched the token.
 */
export function createHandlers(deps: HandlerDeps): HandlerMap {
  const handlers = new Map<SdpClientMessage['type'], AnyHandler>();
  // Safe: the router looks a handler up by the validated message's own type.
  const on = <T extends SdpClientMessage['type']>(type: T, handler: Handler<T>) => handlers.set(type, handler as unknown as AnyHandler);

  on('session', async (ctx) => {
    ctx.reply({ type: 'session_ready', data: { sessionId: ctx.session.sessionId }, timestamp: now() });
  });

  on('offer', async (ctx, message) => {
    const { session } = ctx;
    if (session.offerInFlight) throw StationFailure.of('VALIDATION_FAILED', 'an offer is already being exchanged for this session', 'type');
    await deps.limits.check(session.claims.tenant_id, session.sessionId);
    session.offerInFlight = true;
    try {
      const settings = await deps.settings.settingsFor(session.claims);
      assertArchitecture(settings, 'hybrid', 'the SDP proxy');
      const stop = deps.metrics.sdpSeconds.startTimer();
      const { answerSdp, callId } = await deps.upstream.createCall(message.data.sdp, settings);
      stop();
      // The session may have ended while the offer was upstream: do not leave a call behind.
      if (deps.registry.isEnded(session.sessionId)) {
        await deps.upstream.hangup(callId).catch(() => undefined);
        throw StationFailure.of('SESSION_ENDED', 'the session ended during the exchange');
      }
      deps.registry.adoptCall(session, callId, settings);
      ctx.log.info({ callId }, 'call started');
      ctx.reply({ type: 'answer', data: { sdp: answerSdp, callId }, timestamp: now() });
    } finally {
      session.offerInFlight = false;
    }
  });

  on('answer', async () => {
    // OpenAI answers offers; it never makes one, so the proxy never waits for an answer.
    throw StationFailure.of('VALIDATION_FAILED', 'the proxy sends no offers, so it expects no answer', 'type');
  });

  on('ice_candidate', async () => {
    // Accepted and not forwarded: /v1/realtime/calls takes no trickled candidates, the offer carries them.
  });

  return handlers;
}
