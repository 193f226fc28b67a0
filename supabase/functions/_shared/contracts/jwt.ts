// GENERATED from contracts/jwt.ts by `npm run supabase:contracts`; do not edit.
import { z } from 'zod';
import { UuidSchema } from './common.ts';

/** What a session JWT lets its holder do at the token service. */
export const SessionPermissionSchema = z.enum(['realtime:connect', 'transcript:write', 'session:end']);
export type SessionPermission = z.infer<typeof SessionPermissionSchema>;

/** Longest lifetime of a session JWT minted by `interview-start`. */
export const SESSION_JWT_MAX_SECONDS = 3600;

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
