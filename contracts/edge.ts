import { z } from 'zod';
import { ConnectionModeSchema, IceServerSchema, IsoDateTimeSchema, LIMITS, ShortTextSchema, storedText, UuidSchema } from './common';
import { TranscriptEntrySchema } from './transcript';

/** Bodies of the Supabase edge functions `interview-start`, `interview-transcript`, `interview-end`. */

export const VoiceSchema = z.enum(['alloy', 'ash', 'ballad', 'coral', 'echo', 'sage', 'shimmer', 'verse', 'marin', 'cedar']);

/**
 * What the candidate agreed to at check-in: the version of the notice shown (it says that an AI
 * conducts the interview and that the conversation is transcribed and stored) and when.
 */
export const ConsentRecordSchema = z
  .object({
    noticeVersion: storedText(32).min(1).regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" and "-"'),
    acceptedAt: IsoDateTimeSchema,
  })
  .strict();
export type ConsentRecord = z.infer<typeof ConsentRecordSchema>;

export const InterviewStartRequestSchema = z
  .object({
    companyId: UuidSchema,
    templateId: UuidSchema,
    stationId: UuidSchema,
    /** The recruiter's reference for the candidate (never their name or contact details). */
    candidateRef: ShortTextSchema,
    architecture: ConnectionModeSchema.default('hybrid'),
    /** The candidate's consent, recorded with the session. */
    consent: ConsentRecordSchema,
    metadata: z.record(storedText(64), storedText(LIMITS.shortText)).optional(),
  })
  .strict();
export type InterviewStartRequest = z.input<typeof InterviewStartRequestSchema>;

export const WebrtcConfigSchema = z
  .object({
    architecture: ConnectionModeSchema,
    /** Base URL of the token service (`POST /api/realtime/sessions`). */
    tokenServiceUrl: z.url(),
    /** The SDP proxy WebSocket for this session (hybrid), as the isolation strategy assigned it. */
    websocketUrl: z.url().optional(),
    model: ShortTextSchema,
    voice: VoiceSchema,
    instructions: z.string().max(LIMITS.instructions),
    language: z.string().min(2).max(16).optional(),
    iceServers: z.array(IceServerSchema).max(8),
    maxDurationSeconds: z.number().int().min(10).max(7200),
  })
  .strict();
export type WebrtcConfig = z.infer<typeof WebrtcConfigSchema>;

export const InterviewStartResponseSchema = z
  .object({
    sessionId: UuidSchema,
    /** Session JWT for the token service (1 h). Held by the main process only. */
    sessionToken: z.string().min(1).max(LIMITS.jwt),
    webrtcConfig: WebrtcConfigSchema,
    metadata: z.object({ createdAt: IsoDateTimeSchema, expiresAt: IsoDateTimeSchema }).strict(),
  })
  .strict();
export type InterviewStartResponse = z.infer<typeof InterviewStartResponseSchema>;

export const TranscriptBatchRequestSchema = z
  .object({
    sessionId: UuidSchema,
    entries: z.array(TranscriptEntrySchema).min(1).max(LIMITS.transcriptBatch),
  })
  .strict()
  .superRefine((batch, ctx) => {
    batch.entries.forEach((entry, index) => {
      if (entry.sessionId !== batch.sessionId) {
        ctx.addIssue({ code: 'custom', path: ['entries', index, 'sessionId'], message: 'does not match the batch sessionId' });
      }
    });
  });
export type TranscriptBatchRequest = z.infer<typeof TranscriptBatchRequestSchema>;

export const TranscriptBatchResponseSchema = z
  .object({ accepted: z.number().int().min(0), duplicates: z.number().int().min(0) })
  .strict();
export type TranscriptBatchResponse = z.infer<typeof TranscriptBatchResponseSchema>;

export const EndReasonSchema = z.enum(['completed', 'candidate_left', 'proctor_ended', 'max_duration', 'connection_lost', 'error']);
export type EndReason = z.infer<typeof EndReasonSchema>;

export const SessionStatusSchema = z.enum(['created', 'connecting', 'live', 'ended', 'failed', 'abandoned']);
export type SessionStatus = z.infer<typeof SessionStatusSchema>;

/** `interview-status`: the station reports progress (call being set up, then live). Idempotent. */
export const InterviewProgressSchema = z.enum(['connecting', 'live']);
export const InterviewStatusRequestSchema = z.object({ sessionId: UuidSchema, status: InterviewProgressSchema }).strict();
export type InterviewStatusRequest = z.infer<typeof InterviewStatusRequestSchema>;
export const InterviewStatusResponseSchema = z.object({ sessionId: UuidSchema, status: SessionStatusSchema }).strict();
export type InterviewStatusResponse = z.infer<typeof InterviewStatusResponseSchema>;

export const InterviewEndRequestSchema = z
  .object({ sessionId: UuidSchema, reason: EndReasonSchema, detail: storedText(1000).optional() })
  .strict();
export type InterviewEndRequest = z.infer<typeof InterviewEndRequestSchema>;

export const InterviewEndResponseSchema = z
  .object({
    sessionId: UuidSchema,
    status: SessionStatusSchema,
    endedAt: IsoDateTimeSchema,
    transcriptCount: z.number().int().min(0),
  })
  .strict();
export type InterviewEndResponse = z.infer<typeof InterviewEndResponseSchema>;

export const TenantRoleSchema = z.enum(['admin', 'recruiter', 'proctor']);
export type TenantRole = z.infer<typeof TenantRoleSchema>;

/** `station-context`: who the signed-in user is in their tenant, and what they can start. */
export const StationContextRequestSchema = z.object({}).strict();

export const StationContextResponseSchema = z
  .object({
    user: z.object({ id: UuidSchema, email: z.string().max(320), role: TenantRoleSchema, tenantId: UuidSchema }).strict(),
    tenantName: ShortTextSchema,
    companies: z.array(z.object({ id: UuidSchema, name: ShortTextSchema }).strict()).max(1000),
    templates: z
      .array(
        z
          .object({
            id: UuidSchema,
            companyId: UuidSchema.nullable(),
            name: ShortTextSchema,
            maxDurationSeconds: z.number().int().min(10).max(7200),
          })
          .strict(),
      )
      .max(1000),
  })
  .strict();
export type StationContextResponse = z.infer<typeof StationContextResponseSchema>;

/** The edge functions the station and the token service call. */
export type EdgeFunctionName = 'interview-start' | 'interview-status' | 'interview-transcript' | 'interview-end' | 'station-context';

/** `<project>/functions/v1/<name>`, whether or not the project URL ends with a slash. */
export function edgeFunctionUrl(supabaseUrl: string, name: EdgeFunctionName): string {
  return new URL(`functions/v1/${name}`, supabaseUrl.endsWith('/') ? supabaseUrl : `${supabaseUrl}/`).toString();
}
