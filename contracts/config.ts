import { z } from 'zod';
import { ConnectionModeSchema } from './common';

/**
 * The station's configuration: defaults, overridden by per-user settings, overridden by the
 * machine-wide policy file IT controls. Unknown keys are errors, so a typo never passes silently.
 */
export const StationConfigSchema = z
  .object({
    supabaseUrl: z.url().optional(),
    supabaseAnonKey: z.string().min(1).max(4096).optional(),
    tokenServiceUrl: z.url().optional(),
    /** This machine's id in `stations` (enrolled by an admin); interviews start on it. */
    stationId: z.uuid().optional(),
    connectionMode: ConnectionModeSchema.default('hybrid'),
    /**
     * The OpenAI Realtime API the renderer posts its offer to in direct mode: the one origin the
     * renderer's CSP admits beyond the app itself (must match the token service's upstream).
     */
    realtimeUrl: z.url({ protocol: /^https?$/ }).default('https://api.openai.com'),
    kiosk: z.boolean().default(false),
    /** Start the station when the machine's user logs in (dedicated kiosk machines). */
    startAtLogin: z.boolean().default(false),
    /** Days a fully synced transcript journal is kept on the machine before it is removed. */
    journalRetentionDays: z.number().int().min(1).max(365).default(30),
    /** scrypt hash of the proctor PIN, `scrypt$N$r$p$salt$hash` (base64); never the PIN itself. */
    proctorPinHash: z
      .string()
      .regex(/^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/, 'must be scrypt$N$r$p$salt$hash')
      .optional(),
    /** Microphone labels allowed for interviews (case-insensitive substrings); empty means any. */
    allowedMicrophones: z.array(z.string().min(1).max(200)).max(32).default([]),
    maxInterviewMinutes: z.number().int().min(1).max(60).default(60),
    /**
     * The Realtime provider's session cap in seconds (OpenAI: 60 minutes; Azure: 30). Before it the
     * station moves the interview to a new realtime session at a turn boundary, with the context.
     */
    realtimeSessionMaxSeconds: z.number().int().min(10).max(7200).default(3600),
    /**
     * Automatic updates: `"off"` freezes the installed version (exam periods), or the channel to
     * follow on the update feed IT hosts (electron-builder's generic feed: `latest*.yml`, `beta*.yml`).
     * Never during an interview, never a downgrade.
     */
    updates: z
      .union([
        z.literal('off'),
        z.object({ channel: z.enum(['stable', 'beta']), url: z.url({ protocol: /^https$/, error: 'must be an https:// URL' }).meta({ pattern: '^https://' }) }).strict(),
      ])
      .default('off'),
    /** Displays allowed while an interview starts (1: a second screen must be unplugged first). */
    maxDisplays: z.number().int().min(1).max(8).default(1),
    logLevel: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
  })
  .strict();
export type StationConfig = z.infer<typeof StationConfigSchema>;

/**
 * One layer of settings as a file holds it (defaults, user settings, machine policy): the same
 * fields, all optional and without defaults, so a layer only overrides what it names.
 */
export const StationConfigLayerSchema = z
  .object(
    Object.fromEntries(
      Object.entries(StationConfigSchema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? field.unwrap() : field).optional()]),
    ) as unknown as { [K in keyof StationConfig]-?: z.ZodOptional<z.ZodType<StationConfig[K]>> },
  )
  .strict();
export type StationConfigLayer = z.infer<typeof StationConfigLayerSchema>;

/** What the renderer may see of the configuration: no keys, no PIN hash. */
export const PublicConfigSchema = z
  .object({
    connectionMode: ConnectionModeSchema,
    kiosk: z.boolean(),
    proctorPinSet: z.boolean(),
    allowedMicrophones: z.array(z.string().max(200)).max(32),
    maxInterviewMinutes: z.number().int().min(1).max(60),
    realtimeSessionMaxSeconds: z.number().int().min(10).max(7200),
    signInAvailable: z.boolean(),
  })
  .strict();
export type PublicConfig = z.infer<typeof PublicConfigSchema>;

export function publicConfigOf(config: StationConfig): PublicConfig {
  return {
    connectionMode: config.connectionMode,
    kiosk: config.kiosk,
    proctorPinSet: config.proctorPinHash !== undefined,
    allowedMicrophones: config.allowedMicrophones,
    maxInterviewMinutes: config.maxInterviewMinutes,
    realtimeSessionMaxSeconds: config.realtimeSessionMaxSeconds,
    signInAvailable: config.supabaseUrl !== undefined && config.supabaseAnonKey !== undefined,
  };
}
