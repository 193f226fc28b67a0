import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { StationFailure, type StationError } from '@interview-station/contracts';
import { ForeignSessionFailure, httpStatusFor, toStationError } from '../errors';
import { RateLimitedFailure } from '../rateLimit';

/** JSON with `no-store`: nothing this service answers may be cached (keys, ids). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** The status, headers and body a failure answers with. */
export function failureResponse(error: unknown): { status: number; body: StationError; headers: Record<string, string> } {
  const body = toStationError(error);
  const headers: Record<string, string> = {};
  if (error instanceof RateLimitedFailure) headers['retry-after'] = String(error.retryAfterSeconds);
  if (error instanceof ForeignSessionFailure && error.replayElsewhere) headers['fly-replay'] = 'elsewhere=true';
  return { status: httpStatusFor(body.code), body, headers };
}

export function sendFailure(res: ServerResponse, error: unknown): StationError {
  const { status, body, headers } = failureResponse(error);
  if (!res.headersSent) sendJson(res, status, body, headers);
  else res.destroy();
  return body;
}

/** Answers a refused WebSocket upgrade with a real HTTP status and the StationError body. */
export function refuseUpgrade(socket: Duplex, error: unknown): StationError {
  const { status, body, headers } = failureResponse(error);
  const text = JSON.stringify(body);
  const extra = Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (socket.writable) {
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n${extra}connection: close\r\n\r\n${text}`,
    );
  }
  return body;
}

/** Reads a JSON body of at most `limit` bytes; a StationFailure (VALIDATION_FAILED) otherwise. */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw StationFailure.of('VALIDATION_FAILED', 'content-type must be application/json');
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) throw StationFailure.of('VALIDATION_FAILED', `request body larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw StationFailure.of('VALIDATION_FAILED', `request body larger than ${limit} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw StationFailure.of('VALIDATION_FAILED', 'request body is not valid JSON');
  }
}
