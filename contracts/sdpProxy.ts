import { z } from 'zod';
import { IsoDateTimeSchema, LIMITS, ProviderIdSchema, UuidSchema } from './common';
import { StationErrorSchema } from './errors';
import { TranscriptEntrySchema } from './transcript';

/**
 * The hybrid mode's SDP proxy protocol over the token service's WebSocket `/ws`, as in the
 * reference design: the client sends `{ type, sessionId, data }`, the proxy answers
 * `{ type, data, timestamp }`.
 */

export const SdpSchema = z.string().min(1).max(LIMITS.sdp);

const clientMessage = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), sessionId: UuidSchema, data }).strict();

export const SdpClientMessageSchema = z.discriminatedUnion('type', [
  clientMessage('session', z.object({}).strict()),
  clientMessage('offer', z.object({ sdp: SdpSchema }).strict()),
  clientMessage('answer', z.object({ sdp: SdpSchema }).strict()),
  clientMessage(
    'ice_candidate',
    z
      .object({
        candidate: z.string().max(2048),
        sdpMid: z.string().max(64).nullable().optional(),
        sdpMLineIndex: z.number().int().min(0).max(64).nullable().optional(),
      })
      .strict(),
  ),
]);
export type SdpClientMessage = z.infer<typeof SdpClientMessageSchema>;

const proxyMessage = <T extends string, D extends z.ZodType>(type: T, data: D) =>
  z.object({ type: z.literal(type), data, timestamp: IsoDateTimeSchema }).strict();

export const SessionEndReasonSchema = z.enum(['completed', 'max_duration', 'ended_by_client', 'upstream_closed', 'server_shutdown']);
export type SessionEndReason = z.infer<typeof SessionEndReasonSchema>;

export const SdpProxyMessageSchema = z.discriminatedUnion('type', [
  proxyMessage('session_ready', z.object({ sessionId: UuidSchema }).strict()),
  proxyMessage('answer', z.object({ sdp: SdpSchema, callId: ProviderIdSchema }).strict()),
  proxyMessage('transcript', TranscriptEntrySchema),
  proxyMessage('error', StationErrorSchema),
  proxyMessage('session_ended', z.object({ sessionId: UuidSchema, reason: SessionEndReasonSchema }).strict()),
]);
export type SdpProxyMessage = z.infer<typeof SdpProxyMessageSchema>;

/** The WebSocket `maxPayload` both ends use: an SDP plus its envelope. */
export const SDP_PROXY_MAX_PAYLOAD = LIMITS.sdp + 4096;
