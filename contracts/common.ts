import { z } from 'zod';

/** Size limits shared by every boundary, so a payload that passes one passes them all. */
export const LIMITS = {
  shortText: 200,
  email: 320,
  password: 1024,
  /** An SDP offer or answer is a few KB; anything near this is not an SDP. */
  sdp: 64 * 1024,
  transcriptContent: 20_000,
  transcriptBatch: 500,
  instructions: 20_000,
  jwt: 8 * 1024,
} as const;

/**
 * Text that Postgres can store: no NUL character (text and jsonb refuse it) and no unpaired UTF-16
 * surrogate (not encodable as UTF-8). Every string that ends up in the database uses this, so the
 * contract refuses what the database would refuse, at the first boundary.
 */
export function storedText(max: number): z.ZodString {
  return z
    .string()
    .max(max)
    .refine((text) => !text.includes('\u0000'), 'must not contain a NUL character')
    .regex(/^(?:[^\uD800-\uDFFF]|[\uD800-\uDBFF][\uDC00-\uDFFF])*$/, 'must be valid Unicode text');
}

export const UuidSchema = z.uuid();
export const IsoDateTimeSchema = z.iso.datetime({ offset: true });
export const ShortTextSchema = storedText(LIMITS.shortText).min(1);
/** Ids that come from OpenAI (`item_...`, `rtc_...`): opaque, but never a path or markup. */
export const ProviderIdSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9_.-]+$/, 'only letters, digits, "_", "-" and "."');

/** The empty input of a channel that takes nothing. */
export const EmptySchema = z.object({}).strict();

export const IceServerSchema = z
  .object({
    urls: z.union([z.string().max(512), z.array(z.string().max(512)).min(1).max(8)]),
    username: z.string().max(512).optional(),
    credential: z.string().max(512).optional(),
  })
  .strict();
export type IceServer = z.infer<typeof IceServerSchema>;

export const ConnectionModeSchema = z.enum(['hybrid', 'direct']);
export type ConnectionMode = z.infer<typeof ConnectionModeSchema>;
