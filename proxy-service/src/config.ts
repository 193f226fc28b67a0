import { CONNECTION_ATTEMPTS_PER_MINUTE, ConnectionModeSchema, edgeFunctionUrl, IceServerSchema, SDP_PROXY_MAX_PAYLOAD, VoiceSchema, parseContract } from '@interview-station/contracts';
import { z } from 'zod';

/** How sessions are kept apart (see src/isolation/). */
export const IsolationSchema = z.enum(['shared', 'process', 'fly-machines']);
export type Isolation = z.infer<typeof IsolationSchema>;

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const optionalUrl = z.url().optional();

/**
 * Every setting of the token service, read from the environment once at start-up. Secrets are
 * named here and valued only in the environment (Fly secrets in production).
 */
export const ServiceConfigSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: int(0, 65535).default(8080),
  /** How stations reach this service (for `callsUrl`-style links); defaults to the bound address. */
  PUBLIC_URL: optionalUrl,
  OPENAI_API_KEY: z.string().min(8, 'OPENAI_API_KEY is required'),
  /** `https://api.openai.com` in production; the simulator's URL locally. */
  OPENAI_BASE_URL: z.url().default('https://api.openai.com'),
  SESSION_JWT_SECRET: z.string().min(32, 'SESSION_JWT_SECRET must be at least 32 characters'),
  /** Supabase project URL; transcripts go to `<url>/functions/v1/interview-transcript`. */
  SUPABASE_URL: optionalUrl,
  /** Overrides the transcript function's URL. */
  TRANSCRIPT_FUNCTION_URL: optionalUrl,
  /** Sent as `apikey` to the Supabase gateway when set. */
  SUPABASE_ANON_KEY: z.string().optional(),
  /** Postgres URL to read each session's model, voice and instructions; without it, the defaults below. */
  DATABASE_URL: z.string().optional(),
  /** Every session's architecture when DATABASE_URL is not set (the design's default is hybrid). */
  DEFAULT_ARCHITECTURE: ConnectionModeSchema.default('hybrid'),
  DEFAULT_MODEL: z.string().min(1).max(200).default('gpt-realtime'),
  DEFAULT_VOICE: VoiceSchema.default('marin'),
  DEFAULT_INSTRUCTIONS: z.string().max(20_000).default('You are a courteous, professional job interviewer.'),
  DEFAULT_MAX_DURATION_SECONDS: int(10, 7200).default(1800),
  ICE_SERVERS: z
    .string()
    .default('[]')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'ICE_SERVERS is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(z.array(IceServerSchema).max(8)),
  /** A direct-mode key only has to start one call: short-lived. */
  EPHEMERAL_KEY_SECONDS: int(10, 600).default(60),
  UPSTREAM_TIMEOUT_MS: int(100, 120_000).default(10_000),
  RATE_TENANT_PER_MINUTE: int(1, 100_000).default(600),
  RATE_SESSION_PER_MINUTE: int(1, 10_000).default(60),
  /**
   * Keys per direct session: a burst of MINT_SESSION_BURST, then MINT_SESSION_PER_MINUTE (one per
   * 5 s): the station's own bound on connection attempts (a tighter limit here refused the fourth
   * connection of a minute, so a call dropped soon after two reconnects could not come back).
   */
  MINT_SESSION_BURST: int(1, 100).default(CONNECTION_ATTEMPTS_PER_MINUTE),
  MINT_SESSION_PER_MINUTE: int(1, 600).default(CONNECTION_ATTEMPTS_PER_MINUTE),
  DRAIN_GRACE_MS: int(0, 120_000).default(10_000),
  /** Serve `/metrics` on this port (private; Fly scrapes it). Without it, `/metrics` is not served. */
  METRICS_PORT: int(0, 65535).optional(),
  /** Explicit opt-in to also serve `/metrics` on the public port (never the default). */
  METRICS_PUBLIC: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
  HEARTBEAT_MS: int(100, 300_000).default(30_000),
  /** A client whose unsent data stays above SLOW_CONSUMER_BYTES for SLOW_CONSUMER_MS is dropped. */
  SLOW_CONSUMER_BYTES: int(1024, 64 * 1024 * 1024).default(1024 * 1024),
  SLOW_CONSUMER_MS: int(0, 600_000).default(5_000),
  /** Messages and bytes one SDP proxy socket may have waiting (an offer upstream) before a 1008 close. */
  SDP_PROXY_QUEUE_MESSAGES: int(1, 10_000).default(32),
  SDP_PROXY_QUEUE_BYTES: int(SDP_PROXY_MAX_PAYLOAD, 64 * 1024 * 1024).default(256 * 1024),
  ISOLATION: IsolationSchema.default('shared'),
  /** Per-session instances (`process`, `fly-machines`) at most, in all and per tenant. */
  ISOLATION_MAX_INSTANCES: int(1, 100_000).default(50),
  ISOLATION_MAX_PER_TENANT: int(1, 100_000).default(10),
  /** Set on a per-session instance (child process or Fly machine): it serves this session only. */
  SESSION_ONLY: z.uuid().optional(),
  /** A per-session instance exits after this long with no socket and no call. */
  INSTANCE_IDLE_MS: int(1000, 3_600_000).default(120_000),
  FLY_API_URL: z.url().default('https://api.machines.dev'),
  FLY_API_TOKEN: z.string().optional(),
  FLY_APP_NAME: z.string().optional(),
  FLY_MACHINE_IMAGE: z.string().optional(),
  FLY_REGION: z.string().optional(),
  /** Set by Fly on every machine; with DATABASE_URL it makes this machine one of a fleet (src/fleet/). */
  FLY_MACHINE_ID: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'FLY_MACHINE_ID: letters, digits, - and _ only').optional(),
  /** A session's owner holds it this long without a heartbeat; then another machine may take it over. */
  FLEET_LEASE_SECONDS: int(2, 600).default(15),
  FLEET_HEARTBEAT_MS: int(200, 300_000).default(5_000),
  /** How often each machine looks for sessions whose owner stopped renewing (a dead machine). */
  FLEET_SWEEP_MS: int(200, 300_000).default(5_000),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});
export type ServiceConfig = z.infer<typeof ServiceConfigSchema>;

/** Parses the environment; the error names the variable, never its value. */
export function loadConfig(env: Record<string, string | undefined>): ServiceConfig {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = parseContract(ServiceConfigSchema, cleaned, 'environment');
  if (!parsed.ok) throw new Error(`token service misconfigured: ${parsed.error.message}`);
  const config = parsed.value;
  if (config.ISOLATION === 'fly-machines' && !config.SESSION_ONLY) {
    for (const name of ['FLY_API_TOKEN', 'FLY_APP_NAME', 'FLY_MACHINE_IMAGE'] as const) {
      if (!config[name]) throw new Error(`token service misconfigured: ${name} is required with ISOLATION=fly-machines`);
    }
  }
  if (config.FLEET_HEARTBEAT_MS >= config.FLEET_LEASE_SECONDS * 1000) {
    throw new Error('token service misconfigured: FLEET_HEARTBEAT_MS must be shorter than FLEET_LEASE_SECONDS');
  }
  return config;
}

/**
 * One of a fleet: on Fly (a machine id) with the shared store (DATABASE_URL), as a front machine
 * (a per-session instance is its own owner by construction).
 */
export function isFleetMember(config: ServiceConfig): config is ServiceConfig & { FLY_MACHINE_ID: string; DATABASE_URL: string } {
  return Boolean(config.FLY_MACHINE_ID && config.DATABASE_URL && !config.SESSION_ONLY && config.ISOLATION === 'shared');
}

/** The transcript function's URL, or null when transcripts are not forwarded (no Supabase configured). */
export function transcriptFunctionUrl(config: ServiceConfig): string | null {
  if (config.TRANSCRIPT_FUNCTION_URL) return config.TRANSCRIPT_FUNCTION_URL;
  if (config.SUPABASE_URL) return edgeFunctionUrl(config.SUPABASE_URL, 'interview-transcript');
  return null;
}

export function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}
