/**
 * A structured log line: an event name and fields. Callers pass ids and key references
 * (`keyRef`), never keys, SDP or transcript text; `redact` is a second line of defence.
 */
export type Logger = (event: string, fields?: Record<string, unknown>) => void;

const SECRET = /\b(ek_[A-Za-z0-9]+|sk-[A-Za-z0-9_-]+)/g;

export function redact(text: string, secrets: readonly string[] = []): string {
  let out = text.replace(SECRET, '[redacted]');
  for (const secret of secrets) if (secret.length >= 8) out = out.split(secret).join('[redacted]');
  return out;
}

/** JSON lines on a stream (stderr for the CLI), with every known secret scrubbed. */
export function jsonLogger(write: (line: string) => void, secrets: () => readonly string[]): Logger {
  return (event, fields = {}) => {
    write(`${redact(JSON.stringify({ time: new Date().toISOString(), service: 'realtime-sim', event, ...fields }), secrets())}\n`);
  };
}

export const silentLogger: Logger = () => undefined;
