import { ConnectionModeSchema, type SessionJwtClaims, StationFailure, VoiceSchema } from '@interview-station/contracts';
import postgres from 'postgres';
import { z } from 'zod';

/** What the interviewer is for one session. Always from the signed session, never a request body. */
export interface SessionSettings {
  /**
   * How the session connects, as its row says: `direct` sessions get ephemeral keys and no SDP
   * proxy socket; `hybrid` sessions get the socket and never a key. The caller never chooses.
   */
  readonly architecture: z.infer<typeof ConnectionModeSchema>;
  readonly model: string;
  readonly voice: z.infer<typeof VoiceSchema>;
  readonly instructions: string;
  readonly language?: string;
  /** Enforced by hanging up (the provider's own cap is 60 minutes). */
  readonly maxDurationSeconds: number;
}

/** Looks up a verified session's settings. */
export interface SessionSettingsSource {
  settingsFor(claims: SessionJwtClaims): Promise<SessionSettings>;
  close(): Promise<void>;
}

/** One configuration for every session: for development, or a deployment without database access. */
export class FixedSessionSettings implements SessionSettingsSource {
  constructor(private readonly settings: SessionSettings) {}

  async settingsFor(): Promise<SessionSettings> {
    return this.settings;
  }

  async close(): Promise<void> {}
}

const RowSchema = z.object({
  status: z.string(),
  architecture: ConnectionModeSchema,
  template_model: z.string(),
  template_voice: VoiceSchema,
  instructions: z.string(),
  template_language: z.string().nullable(),
  template_max: z.number().int(),
  config: z
    .object({
      model: z.string().optional(),
      voice: VoiceSchema.optional(),
      language: z.string().nullable().optional(),
      maxDurationSeconds: z.number().int().optional(),
    })
    .loose()
    .nullable(),
});

const TERMINAL = new Set(['ended', 'failed', 'abandoned']);
const PROVIDER_MAX_SECONDS = 3600;

/**
 * Reads the `interview_sessions` row the JWT names (within the JWT's tenant) and its template:
 * the configuration `interview-start` recorded wins over later template edits. An ended session
 * gets no new key. Settings are cached per session: they never change once recorded.
 */
export class PostgresSessionSettings implements SessionSettingsSource {
  private readonly sql: postgres.Sql;
  private readonly cache = new Map<string, SessionSettings>();

  constructor(databaseUrl: string) {
    this.sql = postgres(databaseUrl, { max: 4, prepare: false, idle_timeout: 30, connect_timeout: 5, onnotice: () => undefined });
  }

  async settingsFor(claims: SessionJwtClaims): Promise<SessionSettings> {
    let rows: readonly unknown[];
    try {
      rows = await this.sql`
        select s.status::text as status, s.architecture::text as architecture, s.session_data -> 'config' as config,
               t.model as template_model, t.voice as template_voice, t.instructions,
               t.language as template_language, t.max_duration_seconds as template_max
        from public.interview_sessions s
        join public.interview_templates t on t.tenant_id = s.tenant_id and t.id = s.template_id
        where s.id = ${claims.session_id} and s.tenant_id = ${claims.tenant_id}`;
    } catch {
      throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'the session store could not be reached');
    }
    const row = RowSchema.safeParse(rows[0]);
    if (rows.length === 0) throw StationFailure.of('SESSION_NOT_FOUND', 'no such session');
    if (!row.success) throw StationFailure.of('INTERNAL', 'the session record is not readable');
    if (TERMINAL.has(row.data.status)) throw StationFailure.of('SESSION_ENDED', 'the session has ended');
    const cached = this.cache.get(claims.session_id);
    if (cached) return cached;
    const config = row.data.config ?? {};
    const language = config.language ?? row.data.template_language;
    const settings: SessionSettings = {
      architecture: row.data.architecture,
      model: config.model ?? row.data.template_model,
      voice: config.voice ?? row.data.template_voice,
      instructions: row.data.instructions,
      ...(language ? { language } : {}),
      maxDurationSeconds: Math.min(config.maxDurationSeconds ?? row.data.template_max, PROVIDER_MAX_SECONDS),
    };
    if (this.cache.size > 10_000) this.cache.clear();
    this.cache.set(claims.session_id, settings);
    return settings;
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 2 });
  }
}

/** Refuses a session whose row names the other architecture (NOT_AUTHORIZED, 403). */
export function assertArchitecture(settings: SessionSettings, wanted: SessionSettings['architecture'], what: string): void {
  if (settings.architecture !== wanted) {
    throw StationFailure.of('NOT_AUTHORIZED', `${what} is for ${wanted} sessions only; this session is ${settings.architecture}`);
  }
}
