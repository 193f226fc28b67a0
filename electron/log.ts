/**
 * Structured logging for the main process and the web host. Fields whose names suggest a secret
 * or transcript text are redacted before anything is written.
 */
export type LogFields = Record<string, unknown>;

export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  child(scope: string): Logger;
}

const SECRET_FIELD = /token|secret|password|pin|key|authorization|cookie|jwt|content|transcript|sdp/i;

function redactValue(value: unknown): unknown {
  if (value instanceof Error) return { name: value.name, message: value.message };
  if (Array.isArray(value)) return value.map(redactValue);
  if (value !== null && typeof value === 'object') return redact(value as LogFields);
  return value;
}

export function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [name, value] of Object.entries(fields)) out[name] = SECRET_FIELD.test(name) ? '[redacted]' : redactValue(value);
  return out;
}

/** A logger writing one JSON line per record to `write` (stderr by default). */
export function createLogger(scope: string, write: (line: string) => void = (line) => process.stderr.write(line + '\n')): Logger {
  const record = (level: string) => (message: string, fields: LogFields = {}) => {
    write(JSON.stringify({ time: new Date().toISOString(), level, scope, message, ...redact(fields) }));
  };
  return {
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    child: (child) => createLogger(`${scope}.${child}`, write),
  };
}

/** For tests and tools that must stay quiet. */
export const silentLogger: Logger = {
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};
