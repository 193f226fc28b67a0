import { z } from 'zod';
import { ConnectionModeSchema, EmptySchema, IceServerSchema, IsoDateTimeSchema, LIMITS, ProviderIdSchema, ShortTextSchema, UuidSchema } from './common';
import { PublicConfigSchema } from './config';
import { EndReasonSchema, InterviewEndResponseSchema, SessionStatusSchema, TenantRoleSchema, VoiceSchema } from './edge';
import { StationErrorSchema } from './errors';
import { SdpSchema } from './sdpProxy';
import { TranscriptEntryInputSchema, TranscriptEntrySchema } from './transcript';

/**
 * The IPC API of `window.station`: every `domain:verb` channel with its input and output schema.
 * The preload, the main-process handlers and the web host's bridge are all derived from this map.
 */

export const HostSchema = z.enum(['electron', 'web']);

export const AppInfoSchema = z
  .object({
    name: z.string().max(100),
    version: z.string().max(50),
    host: HostSchema,
    platform: z.string().max(50),
    arch: z.string().max(50),
    versions: z
      .object({ node: z.string().max(50), electron: z.string().max(50).optional(), chrome: z.string().max(50).optional() })
      .strict(),
  })
  .strict();
export type AppInfo = z.infer<typeof AppInfoSchema>;

/** Where the signed-in session is kept; `memory` means it is lost on restart (and the UI says so). */
export const SecretStorageSchema = z.enum(['keychain', 'safe-storage', 'memory']);

export const AuthStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('signed-out'), storage: SecretStorageSchema }).strict(),
  z
    .object({
      status: z.literal('signed-in'),
      user: z.object({ id: UuidSchema, email: z.email().max(LIMITS.email), role: TenantRoleSchema, tenantId: UuidSchema }).strict(),
      offline: z.boolean(),
      storage: SecretStorageSchema,
    })
    .strict(),
]);
export type AuthState = z.infer<typeof AuthStateSchema>;

export const SyncStatusSchema = z
  .object({
    state: z.enum(['idle', 'syncing', 'offline', 'backoff']),
    pending: z.number().int().min(0),
    lastSuccessAt: IsoDateTimeSchema.nullable(),
    lastError: StationErrorSchema.nullable(),
    /**
     * Entries the server refused for good in this run: kept on this computer (and counted in
     * `pending`), not sent again until the station restarts or someone signs in again.
     */
    setAside: z.number().int().min(0),
    /** Why they were set aside (the server's refusal), while any are. */
    setAsideReason: StationErrorSchema.nullable(),
  })
  .strict();
export type SyncStatus = z.infer<typeof SyncStatusSchema>;

export const NetworkStateSchema = z
  .object({ online: z.boolean(), supabaseReachable: z.boolean(), checkedAt: IsoDateTimeSchema })
  .strict();
export type NetworkState = z.infer<typeof NetworkStateSchema>;

const SessionRefSchema = z.object({ sessionId: UuidSchema }).strict();

const channel = <I extends z.ZodType, O extends z.ZodType>(input: I, output: O) => ({ input, output });

export const ipcChannels = {
  'app:info': channel(EmptySchema, AppInfoSchema),
  'config:get': channel(EmptySchema, PublicConfigSchema),
  'auth:sign-in': channel(
    z.object({ email: z.email().max(LIMITS.email), password: z.string().min(1).max(LIMITS.password) }).strict(),
    AuthStateSchema,
  ),
  'auth:sign-out': channel(EmptySchema, AuthStateSchema),
  'auth:state': channel(EmptySchema, AuthStateSchema),
  'interview:start': channel(
    z
      .object({
        templateId: UuidSchema,
        candidateRef: ShortTextSchema,
        /** Needed only when the template is not bound to a company and the tenant has several. */
        companyId: UuidSchema.optional(),
      })
      .strict(),
    z
      .object({
        sessionId: UuidSchema,
        architecture: ConnectionModeSchema,
        model: z.string().max(LIMITS.shortText),
        voice: VoiceSchema,
        maxDurationSeconds: z.number().int().min(10).max(7200),
        startedAt: IsoDateTimeSchema,
      })
      .strict(),
  ),
  /** The renderer's data channel is open: the interview is live (recorded for the session's history). */
  'interview:live': channel(SessionRefSchema, z.object({ sessionId: UuidSchema, status: SessionStatusSchema }).strict()),
  'interview:end': channel(
    z.object({ sessionId: UuidSchema, reason: EndReasonSchema }).strict(),
    InterviewEndResponseSchema,
  ),
  /** Direct mode: the short-lived ephemeral key, the only credential the renderer ever holds. */
  'realtime:token': channel(
    SessionRefSchema,
    z
      .object({
        clientSecret: z.string().min(1).max(512),
        expiresAt: IsoDateTimeSchema,
        model: z.string().max(LIMITS.shortText),
        callsUrl: z.url(),
        iceServers: z.array(IceServerSchema).max(8),
      })
      .strict(),
  ),
  /** Hybrid mode: main relays the offer through the token service's SDP proxy. */
  'realtime:sdp-offer': channel(
    z.object({ sessionId: UuidSchema, sdp: SdpSchema }).strict(),
    z.object({ sdp: SdpSchema, callId: ProviderIdSchema }).strict(),
  ),
  /** Resolves only once the entry is durable in the journal. */
  'transcript:append': channel(
    TranscriptEntryInputSchema,
    z.object({ key: z.string().max(300), duplicate: z.boolean() }).strict(),
  ),
  'transcript:list': channel(
    SessionRefSchema,
    z.object({ entries: z.array(TranscriptEntrySchema), unsynced: z.number().int().min(0) }).strict(),
  ),
  /** A session's transcript for the proctor to save: JSON (entries) or plain text. */
  'transcript:export': channel(
    z.object({ sessionId: UuidSchema, format: z.enum(['json', 'text']) }).strict(),
    z.object({ filename: z.string().max(200), mimeType: z.enum(['application/json', 'text/plain']), content: z.string().max(50 * 1024 * 1024) }).strict(),
  ),
  'sync:status': channel(EmptySchema, SyncStatusSchema),
  'network:state': channel(EmptySchema, NetworkStateSchema),
  'proctor:unlock': channel(
    z
      .object({
        pin: z.string().regex(/^\d{4,12}$/, '4 to 12 digits'),
        action: z.enum(['exit-kiosk', 'quit']),
      })
      .strict(),
    z.object({ unlocked: z.literal(true) }).strict(),
  ),
} as const;

/** Events main pushes to the renderer, by `domain:event` name. */
export const ipcEvents = {
  'auth:state-changed': AuthStateSchema,
  'sync:status-changed': SyncStatusSchema,
  'network:state-changed': NetworkStateSchema,
} as const;

export type IpcChannel = keyof typeof ipcChannels;
export type IpcEvent = keyof typeof ipcEvents;
export type IpcInput<C extends IpcChannel> = z.input<(typeof ipcChannels)[C]['input']>;
export type IpcParsedInput<C extends IpcChannel> = z.output<(typeof ipcChannels)[C]['input']>;
export type IpcOutput<C extends IpcChannel> = z.output<(typeof ipcChannels)[C]['output']>;
export type IpcEventPayload<E extends IpcEvent> = z.output<(typeof ipcEvents)[E]>;

export const IPC_CHANNELS = Object.keys(ipcChannels) as IpcChannel[];
export const IPC_EVENTS = Object.keys(ipcEvents) as IpcEvent[];

export function isIpcChannel(value: unknown): value is IpcChannel {
  return typeof value === 'string' && Object.hasOwn(ipcChannels, value);
}
