import pino, { type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Field names whose values are secrets or transcript text, wherever they appear in a log object. */
const SECRET_FIELDS = [
  'authorization',
  'token',
  'sessionToken',
  'jwt',
  'apiKey',
  'clientSecret',
  'client_secret',
  'value',
  'transcript',
  'content',
  'delta',
  'sdp',
  'instructions',
];

/** Recognisable secrets, scrubbed from every line as a second line of defence. */
const SECRET_PATTERNS: RegExp[] = [
  /\bek_[A-Za-z0-9_-]{6,}/g, // OpenAI ephemeral keys
  /\bsk-[A-Za-z0-9_-]{6,}/g, // OpenAI standard keys
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWTs
  /([?&]token=)[^&\s"]+/g, // a browser's `?token=` in a URL
];

export interface LoggerOptions {
  readonly level: string;
  /** Exact secrets to scrub from every line (the OpenAI key, the JWT secret). */
  readonly secrets: readonly string[];
  /** Where lines go (default stdout); tests pass a capturing stream. */
  readonly destination?: DestinationStream;
  readonly base?: Record<string, unknown>;
}

/** Replaces every known secret in one serialized line. */
export function scrub(line: string, secrets: readonly string[]): string {
  let out = line;
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  for (const pattern of SECRET_PATTERNS) {
    out = out.replace(pattern, (match, prefix: unknown) => (typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]'));
  }
  return out;
}

/**
 * pino with redaction: secret-named fields at the top level and one or two levels down are
 * censored, then each finished line is scrubbed of the exact secrets and of anything shaped like a
 * key or a JWT. Callers still log ids only; this catches mistakes.
 */
export function createLogger(options: LoggerOptions): Logger {
  const paths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`]);
  paths.push('req.headers.authorization', 'req.headers.cookie', 'headers.authorization');
  const secrets = options.secrets;
  return pino(
    {
      level: options.level,
      base: { service: 'token-service', ...options.base },
      redact: { paths, censor: '[redacted]' },
      hooks: { streamWrite: (line) => scrub(line, secrets) },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination ?? pino.destination({ fd: 1, sync: false }),
  );
}
