import { z } from 'zod';
import { IceServerSchema, IsoDateTimeSchema, LIMITS, UuidSchema } from './common';
import { StationErrorSchema } from './errors';

/**
 * The token service's HTTP API (`proxy-service/`). Every call carries the session JWT from
 * `interview-start` as `Authorization: Bearer`; model, voice and instructions come from the signed
 * session, never from these bodies. Failures answer a `StationError` with a real HTTP status.
 */

/**
 * Connection attempts one interview session may make a minute, on both sides of the boundary: the
 * station (main) bounds its renderer by it, and the token service's per-session key bucket must
 * allow it. Each attempt needs one key (direct) or one SDP exchange (hybrid); the renderer makes up
 * to three per connection (its retry policy), and one minute may hold a connection (the first, or a
 * rollover) and three dropped calls, each retried in full. More is a loop, not a reconnect. (Three
 * a minute refused the fourth connection of a minute, so a call dropped soon after two reconnects,
 * say right after a token service restart, could not come back: issue 14.)
 */
export const CONNECTION_ATTEMPTS_PER_MINUTE = 12;

/** `POST /api/realtime/sessions`: mint an ephemeral key for the caller's own session. */
export const RealtimeSessionRequestSchema = z.object({ sessionId: UuidSchema }).strict();
export type RealtimeSessionRequest = z.infer<typeof RealtimeSessionRequestSchema>;

export const RealtimeSessionResponseSchema = z
  .object({
    /** The short-lived `ek_` key (direct mode); it only limits when a call may start. */
    clientSecret: z.string().min(1).max(512),
    expiresAt: IsoDateTimeSchema,
    model: z.string().min(1).max(LIMITS.shortText),
    /** Where the renderer posts its offer with the ephemeral key (direct mode). */
    callsUrl: z.url(),
    iceServers: z.array(IceServerSchema).max(8),
    /** The SDP proxy WebSocket for this session (hybrid mode), as the isolation strategy assigned it. */
    websocketUrl: z.url(),
  })
  .strict();
export type RealtimeSessionResponse = z.infer<typeof RealtimeSessionResponseSchema>;

/** `POST /api/realtime/sessions/{id}/end`: hang up, close the sideband, free the session. Idempotent. */
export const RealtimeSessionEndResponseSchema = z
  .object({ sessionId: UuidSchema, ended: z.literal(true), alreadyEnded: z.boolean() })
  .strict();
export type RealtimeSessionEndResponse = z.infer<typeof RealtimeSessionEndResponseSchema>;

/** Every non-2xx answer of the token service. */
export const TokenServiceErrorResponseSchema = StationErrorSchema;
