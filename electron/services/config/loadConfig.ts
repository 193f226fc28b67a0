import { readFile } from 'node:fs/promises';
import {
  fieldPath,
  stationError,
  StationConfigLayerSchema,
  StationConfigSchema,
  type Result,
  type StationConfig,
  type StationError,
} from '@interview-station/contracts';

type ConfigLayer = Record<string, unknown>;

/**
 * What a per-user settings file may set. Everything else (where sign-ins go, the station's
 * identity, kiosk and PIN) only IT's machine policy decides: any local user can edit settings.json.
 */
const USER_SETTABLE = new Set(['logLevel', 'allowedMicrophones']);

/** Environment variables that may override the configuration in development builds. */
const ENV_OVERRIDES: Record<string, { key: keyof StationConfig; parse: (value: string) => unknown }> = {
  STATION_SUPABASE_URL: { key: 'supabaseUrl', parse: String },
  STATION_SUPABASE_ANON_KEY: { key: 'supabaseAnonKey', parse: String },
  STATION_TOKEN_SERVICE_URL: { key: 'tokenServiceUrl', parse: String },
  STATION_ID: { key: 'stationId', parse: String },
  STATION_CONNECTION_MODE: { key: 'connectionMode', parse: String },
  STATION_REALTIME_URL: { key: 'realtimeUrl', parse: String },
  STATION_KIOSK: { key: 'kiosk', parse: (v) => (v === 'true' ? true : v === 'false' ? false : v) },
  STATION_MAX_INTERVIEW_MINUTES: { key: 'maxInterviewMinutes', parse: Number },
  STATION_REALTIME_SESSION_MAX_SECONDS: { key: 'realtimeSessionMaxSeconds', parse: Number },
  STATION_LOG_LEVEL: { key: 'logLevel', parse: String },
};

export interface ConfigSources {
  /** The machine-wide policy IT controls; wins over everything but development overrides. */
  readonly policyFile: string;
  readonly userFile: string;
  /** Only development builds honour STATION_* variables. */
  readonly env?: NodeJS.ProcessEnv;
}

function configError(file: string, message: string, field?: string): StationError {
  return stationError('CONFIGURATION_INVALID', `${file}: ${message}`, field);
}

/** Reads one layer. A missing file is an empty layer; anything else wrong names the file and key. */
async function readLayer(file: string): Promise<Result<ConfigLayer>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, value: {} };
    return { ok: false, error: configError(file, `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`) };
  }
  let json: unknown;
  try {
    // Windows tools (Notepad, PowerShell 5's Out-File) save UTF-8 with a byte-order mark.
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return { ok: false, error: configError(file, `is not valid JSON (${(error as Error).message})`) };
  }
  return checkLayer(file, json);
}

function checkLayer(source: string, layer: unknown): Result<ConfigLayer> {
  const parsed = StationConfigLayerSchema.safeParse(layer);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  if (!issue) return { ok: false, error: configError(source, 'is invalid') };
  // An unknown key is named even when it is the empty string (shown as "").
  const key = issue.code === 'unrecognized_keys' ? fieldPath([...issue.path, issue.keys[0] ?? '']) || '""' : fieldPath(issue.path);
  const problem = issue.code === 'unrecognized_keys' ? 'unknown setting' : issue.message;
  return { ok: false, error: configError(source, key === '' ? problem : `${key}: ${problem}`, key || undefined) };
}

function envLayer(env: NodeJS.ProcessEnv): ConfigLayer {
  const layer: ConfigLayer = {};
  for (const [name, { key, parse }] of Object.entries(ENV_OVERRIDES)) {
    const value = env[name];
    if (value !== undefined && value !== '') layer[key] = parse(value);
  }
  return layer;
}

/**
 * Resolves the configuration: defaults, then per-user settings, then the machine policy, then
 * (development only) STATION_* variables. Any bad layer fails the whole load: the station never
 * runs half-configured.
 */
export async function loadStationConfig(sources: ConfigSources): Promise<Result<StationConfig>> {
  const user = await readLayer(sources.userFile);
  if (!user.ok) return user;
  const reserved = Object.keys(user.value).find((key) => !USER_SETTABLE.has(key));
  if (reserved) return { ok: false, error: configError(sources.userFile, `${reserved}: only the machine policy may set this`, reserved) };
  const policy = await readLayer(sources.policyFile);
  if (!policy.ok) return policy;
  const env = sources.env ? checkLayer('environment', envLayer(sources.env)) : { ok: true as const, value: {} };
  if (!env.ok) return env;
  return { ok: true, value: StationConfigSchema.parse({ ...user.value, ...policy.value, ...env.value }) };
}
