import { httpStatusFor, stationError, type ErrorCode, type StationError } from './contracts/errors.ts';

/** Browsers may call the functions (supabase-js sends these headers); the station itself is not a browser. */
export const CORS_HEADERS: Record<string, string> = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Headers': 'authorization, x-client-info, apikey, content-type, x-supabase-api-version, x-session-token',
  'Access-Control-Allow-Methods': 'POST, OPTIONS',
  'Access-Control-Max-Age': '86400',
};

/**
 * An error that becomes a response: the StationError body, answered with the HTTP status the
 * contracts' table gives its code (`httpStatusFor`), so no function picks a status of its own.
 */
export class HttpError extends Error {
  readonly status: number;

  constructor(
    readonly body: StationError,
    /** Response headers that belong to the refusal (Allow, Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body.message);
    this.name = 'HttpError';
    this.status = httpStatusFor(body.code);
  }

  static of(code: ErrorCode, message: string, field?: string): HttpError {
    return new HttpError(stationError(code, message, field));
  }

  /** 429 RATE_LIMITED with the seconds to wait in Retry-After. */
  static rateLimited(message: string, retryAfterSeconds: number): HttpError {
    return new HttpError(stationError('RATE_LIMITED', message), { 'Retry-After': String(retryAfterSeconds) });
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { ...CORS_HEADERS, ...headers, 'Content-Type': 'application/json' },
  });
}

/**
 * Reads the body as a stream and stops at `limit` bytes: a chunked body (no content-length) past the
 * limit is refused while it is still arriving, so a function never buffers more than its limit.
 */
async function readLimited(req: Request, limit: number): Promise<Uint8Array> {
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      // Stop reading: the rest of the body is never pulled from the connection.
      await reader.cancel().catch(() => undefined);
      throw HttpError.of('PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Reads a JSON body of at most `limit` bytes; anything else is a 400/413/415 naming the problem. */
export async function readJson(req: Request, limit: number): Promise<unknown> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > limit) throw HttpError.of('PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes`);
  const type = req.headers.get('content-type') ?? '';
  if (!type.toLowerCase().startsWith('application/json')) {
    throw HttpError.of('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(await readLimited(req, limit));
  } catch (error) {
    if (error instanceof HttpError) throw error;
    throw HttpError.of('VALIDATION_FAILED', 'request body is not UTF-8');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw HttpError.of('VALIDATION_FAILED', 'request body is not valid JSON');
  }
}
