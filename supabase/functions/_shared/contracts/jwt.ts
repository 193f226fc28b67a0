// GENERATED from contracts/jwt.ts by `npm run supabase:contracts`; do not edit.
import { z } from 'zod';
import { UuidSchema } from './common.ts';

/** What a session JWT lets its holder do at the token service. */
export const SessionPermissionSchema = z.enum(['realtime:connect', 'transcript:write', 'session:end']);
export type SessionPermission = z.infer<typeof SessionPermissionSchema>;

/**
 * Beyond the interview's maximum duration, how long its session JWT stays valid: reconnects,
 * rollovers, the end and the last sideband transcripts all happen with it (issue 14).
 */
export const SESSION_JWT_MARGIN_SECONDS = 900;

/** The longest interview a template may allow (`interview_templates.max_duration_seconds`). */
export const INTERVIEW_MAX_SECONDS = 7200;

/** Longest lifetime of a session JWT minted by `interview-start`: the longest interview plus the margin. */
export const SESSION_JWT_MAX_SECONDS = INTERVIEW_MAX_SECONDS + SESSION_JWT_MARGIN_SECONDS;

/** The lifetime of a session JWT for an interview of at most `maxDurationSeconds`: it covers the whole interview. */
export function sessionJwtLifetimeSeconds(maxDurationSeconds: number): number {
  return Math.min(SESSION_JWT_MAX_SECONDS, Math.max(60, Math.ceil(maxDurationSeconds)) + SESSION_JWT_MARGIN_SECONDS);
}

/** Claims of the session JWT minted by `interview-start` and checked by the token service. */
export const SessionJwtClaimsSchema = z
  .object({
    sub: UuidSchema,
    tenant_id: UuidSchema,
    session_id: UuidSchema,
    permissions: z.array(SessionPermissionSchema).min(1).max(8),
    iat: z.number().int().positive(),
    exp: z.number().int().positive(),
  })
  .strict()
  .refine((c) => c.exp > c.iat && c.exp - c.iat <= SESSION_JWT_MAX_SECONDS, {
    message: `exp must be after iat and at most ${SESSION_JWT_MAX_SECONDS} s later`,
    path: ['exp'],
  });
export type SessionJwtClaims = z.infer<typeof SessionJwtClaimsSchema>;
