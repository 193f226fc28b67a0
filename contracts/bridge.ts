import { z } from 'zod';
import { ResultSchema } from './errors';

/**
 * The web host's WebSocket bridge: the same calls and events as Electron IPC, framed as JSON.
 * Only the development/test web host speaks it; the Electron app uses IPC.
 */

/** Subprotocol the bridge speaks; the per-launch token travels as a second `token.<value>` subprotocol. */
export const BRIDGE_PROTOCOL = 'station-bridge';
export const BRIDGE_TOKEN_PREFIX = 'token.';
export const BRIDGE_PATH = '/bridge';
export const BRIDGE_MAX_PAYLOAD = 256 * 1024;

export const BridgeRequestSchema = z
  .object({
    id: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    channel: z.string().min(1).max(64),
    input: z.unknown(),
  })
  .strict();
export type BridgeRequest = z.infer<typeof BridgeRequestSchema>;

export const BridgeServerMessageSchema = z.union([
  z.object({ kind: z.literal('result'), id: z.number().int().min(0), result: ResultSchema }).strict(),
  z.object({ kind: z.literal('event'), event: z.string().max(64), payload: z.unknown() }).strict(),
]);
export type BridgeServerMessage = z.infer<typeof BridgeServerMessageSchema>;
