/**
 * The one logger of the main process and the web host: pino, writing one JSON line per record.
 * Secrets are removed twice: by key (fields whose names suggest a secret or transcript text, at any
 * depth) before the record is serialized, and by value (known secrets and anything shaped like a
 * key or a JWT) from every finished line, so a token inside a message or an error text is caught too.
 */
import pino from 'pino';

export type LogFields = Record<string, unknown>;
export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

/** The logger a host creates: it can change its level (the managed `logLevel`) and learn secrets. */
export interface RootLogger extends Logger {
  setLevel(level: LogLevel): void;
  /** A value that must never appear in a line (at least 8 characters; shorter ones are ignored). */
  addSecret(value: string): void;
}

const SECRET_FIELD = /token|secret|password|pin|key|authorization|cookie|jwt|content|transcript|sdp/i;

/** Recognisable secrets, scrubbed from every finished line. */
const SECRET_PATTERNS: readonly RegExp[] = [
  /\bBearer\s+[A-Za-z0-9._~+/=-]{6,}/g, // an Authorization header's value, wherever it ends up
  /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, // JWTs (Supabase sessions, session JWTs)
  /\bek_[A-Za-z0-9_-]{6,}/g, // OpenAI ephemeral keys
  /\bsk-[A-Za-z0-9_-]{6,}/g, // OpenAI keys
  /\bscrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+/g, // the proctor PIN hash
];

const REDACTED = '[redacted]';
const LEVELS: Record<LogLevel, number> = { error: 50, warn: 40, info: 30, debug: 20 };

function redactValue(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') return redact(value as LogFields);
  return value;
}

/** Redaction by key, at any depth. */
export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) out[name] = SECRET_FIELD.test(name) ? REDACTED : redactValue(value);
  return out;
}

/** Redaction by value: known secrets (as they appear in JSON) and key-shaped strings. */
export function scrub(line: string, secrets: Iterable<string>): string {
  let out = line;
  for (const secret of secrets) {
    const encoded = JSON.stringify(secret).slice(1, -1);
    out = out.split(encoded).join(REDACTED);
  }
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, REDACTED);
  return out;
}

/** Lines to stderr (development, and the web host). */
export const stderrSink = (line: string): void => void process.stderr.write(line + '\n');

/**
 * A logger named `scope` writing each line (without its newline) to `write`: stderr by default, a
 * rotating file through `fileSink` in the Electron host. Children share the level and the secrets.
 */
export function createLogger(scope: string, write: (line: string) => void = stderrSink, level: LogLevel = 'info'): RootLogger {
  const secrets = new Set<string>();
  const state = { level: LEVELS[level] };
  const root = pino(
    {
      level: 'debug',
      base: undefined,
      messageKey: 'message',
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }), log: (fields) => redact(fields) },
      hooks: { streamWrite: (line) => scrub(line, secrets) },
    },
    { write: (line: string) => write(line.endsWith('\n') ? line.slice(0, -1) : line) },
  );
  const scoped = (name: string): Logger => {
    const target = root.child({ scope: name });
    const at = (label: LogLevel) => (message: string, fields: LogFields = {}) => {
      if (LEVELS[label] >= state.level) target[label](fields, message);
    };
    return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: (child) => scoped(`${name}.${child}`) };
  };
  return {
    ...scoped(scope),
    setLevel: (next) => {
      state.level = LEVELS[next];
    },
    addSecret: (value) => {
      if (value.length >= 8) secrets.add(value);
    },
  };
}

/** Sends each line to every sink (stderr and the file log, say). */
export function tee(...sinks: ((line: string) => void)[]): (line: string) => void {
  return (line) => {
    for (const sink of sinks) sink(line);
  };
}

/** For tests and tools that must stay quiet. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
