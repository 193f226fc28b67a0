import { z } from 'zod';
import { ConnectionModeSchema, EmptySchema, IceServerSchema, IsoDateTimeSchema, LIMITS, ProviderIdSchema, ShortTextSchema, UuidSchema } from './common';
import { PublicConfigSchema } from './config';
import { ConsentRecordSchema, EndReasonSchema, InterviewEndResponseSchema, SessionStatusSchema, TenantRoleSchema, VoiceSchema } from './edge';
import { StationErrorSchema } from './errors';
import { SdpSchema, SessionEndReasonSchema } from './sdpProxy';
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

/** One interview template the signed-in user may start on this station (check-in's "Interview" picker). */
export const InterviewTemplateOptionSchema = z
  .object({
    id: UuidSchema,
    name: ShortTextSchema,
    /** null: shared by the tenant's companies (then `interview:start` may need a companyId). */
    companyId: UuidSchema.nullable(),
    companyName: ShortTextSchema.optional(),
    maxDurationSeconds: z.number().int().min(10).max(7200),
  })
  .strict();
export type InterviewTemplateOption = z.infer<typeof InterviewTemplateOptionSchema>;

/** Whether the services an interview needs answer, as main sees them (device check). */
export const StationHealthSchema = z.object({ supabase: z.boolean(), tokenService: z.boolean(), realtime: z.boolean() }).strict();
export type StationHealth = z.infer<typeof StationHealthSchema>;

/** What main and the token service learn during an interview, pushed as `interview:state-changed`. */
export const InterviewStateEventSchema = z.discriminatedUnion('kind', [
  /** The interview is over without the renderer asking: the token service ended it, or main's time limit did. */
  z.object({ kind: z.literal('session-ended'), sessionId: UuidSchema, reason: SessionEndReasonSchema }).strict(),
  /** `maxInterviewMinutes` (or the template's maximum) is near: main ends the interview itself when it runs out. */
  z.object({ kind: z.literal('time-warning'), sessionId: UuidSchema, remainingSeconds: z.number().int().min(0).max(7200) }).strict(),
  /** Hybrid: the token service's server-side transcript path to this station is up (true) or lost (false). */
  z.object({ kind: z.literal('sideband'), sessionId: UuidSchema, connected: z.boolean() }).strict(),
  /** Transcript uploads to Supabase are getting through (true) or failing and waiting to retry (false). */
  z.object({ kind: z.literal('transcript-upload'), sessionId: UuidSchema, healthy: z.boolean() }).strict(),
]);
export type InterviewStateEvent = z.infer<typeof InterviewStateEventSchema>;

/** `interview:start`'s answer: the session created, and what the room needs to connect it. */
export const StartedInterviewSchema = z
  .object({
    sessionId: UuidSchema,
    architecture: ConnectionModeSchema,
    model: z.string().max(LIMITS.shortText),
    voice: VoiceSchema,
    maxDurationSeconds: z.number().int().min(10).max(7200),
    startedAt: IsoDateTimeSchema,
    /** For the renderer's RTCPeerConnection, in both modes, before it makes its offer. */
    iceServers: z.array(IceServerSchema).max(8),
  })
  .strict();

/**
 * An interview this station started and has not ended, as it can be taken up again after a crash, a
 * restart or a reload (`interview:active`): what the room needs to continue it (a new realtime
 * session, through the usual channels) or to end it. Never the session JWT: main keeps that.
 */
export const RestorableInterviewSchema = StartedInterviewSchema.extend({
  candidateRef: ShortTextSchema,
  templateId: UuidSchema,
  consent: ConsentRecordSchema,
  /** When it first went live (null: it never did). */
  liveSince: IsoDateTimeSchema.nullable(),
  /** `run`: main kept it in memory (the page was reloaded); `restart`: read back from the secret store after a restart. */
  restoredFrom: z.enum(['run', 'restart']),
}).strict();
export type RestorableInterview = z.infer<typeof RestorableInterviewSchema>;

/** One interview held on this station (`interview:list-local`): what is kept here and what has synced. */
export const LocalInterviewSchema = z
  .object({
    sessionId: UuidSchema,
    /** From this station's own record of the interviews it started; null for a journal found without one. */
    candidateRef: ShortTextSchema.nullable(),
    startedAt: IsoDateTimeSchema.nullable(),
    endedAt: IsoDateTimeSchema.nullable(),
    /** Entries in this machine's journal, and how many of them the server has not confirmed. */
    saved: z.number().int().min(0),
    unsynced: z.number().int().min(0),
    /** Still running (or interrupted and restorable) on this station. */
    active: z.boolean(),
    /** Ended here; the server has not been told yet (queued until it is reachable). */
    endPending: z.boolean(),
  })
  .strict();
export type LocalInterview = z.infer<typeof LocalInterviewSchema>;

/** Entries one `transcript:append-batch` call takes (the renderer flushes about every 100 ms). */
export const MAX_APPEND_BATCH = 100;

const AppendedSchema = z.object({ key: z.string().max(300), duplicate: z.boolean() }).strict();

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
        /** The notice the candidate agreed to at check-in, and when: recorded with the session. */
        consent: ConsentRecordSchema,
      })
      .strict(),
    StartedInterviewSchema,
  ),
  /** The templates the signed-in user may start (from `station-context`). */
  'interview:templates': channel(EmptySchema, z.object({ templates: z.array(InterviewTemplateOptionSchema).max(1000) }).strict()),
  /** The renderer's data channel is open: the interview is live (recorded for the session's history). */
  'interview:live': channel(SessionRefSchema, z.object({ sessionId: UuidSchema, status: SessionStatusSchema }).strict()),
  'interview:end': channel(
    z.object({ sessionId: UuidSchema, reason: EndReasonSchema }).strict(),
    InterviewEndResponseSchema,
  ),
  /** The interview this station started and has not ended (after a crash, restart or reload), or null. */
  'interview:active': channel(EmptySchema, z.object({ interview: RestorableInterviewSchema.nullable() }).strict()),
  /** The interviews held on this station, newest first, with what is saved here and what has synced. */
  'interview:list-local': channel(EmptySchema, z.object({ interviews: z.array(LocalInterviewSchema).max(10_000) }).strict()),
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
  'transcript:append': channel(TranscriptEntryInputSchema, AppendedSchema),
  /**
   * Several entries of one session in one call, each made durable (one group commit) before it
   * answers; per-entry results, so one refused entry does not fail the others.
   */
  'transcript:append-batch': channel(
    z
      .object({ sessionId: UuidSchema, entries: z.array(TranscriptEntryInputSchema).min(1).max(MAX_APPEND_BATCH) })
      .strict()
      .superRefine((batch, ctx) => {
        batch.entries.forEach((entry, index) => {
          if (entry.sessionId !== batch.sessionId) ctx.addIssue({ code: 'custom', path: ['entries', index, 'sessionId'], message: 'does not match the batch sessionId' });
        });
      }),
    z
      .object({
        results: z
          .array(z.union([AppendedSchema, z.object({ key: z.string().max(300), error: StationErrorSchema }).strict()]))
          .max(MAX_APPEND_BATCH),
      })
      .strict(),
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
  /** Probes Supabase, the token service and the Realtime API now (device check). */
  'station:health': channel(EmptySchema, StationHealthSchema),
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
  'interview:state-changed': InterviewStateEventSchema,
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
