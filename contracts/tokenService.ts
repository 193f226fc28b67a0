import { z } from 'zod';
import { IceServerSchema, IsoDateTimeSchema, LIMITS, UuidSchema } from './common';
import { StationErrorSchema } from './errors';

/**
 * The token service's HTTP API (`proxy-service/`). Every call carries the session JWT from
 * `interview-start` as `Authorization: Bearer`; model, voice and instructions come from the signed
 * session, never from these bodies. Failures answer a `StationError` with a real HTTP status.
 */

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
