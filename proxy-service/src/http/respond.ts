import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { StationFailure, type StationError } from '@interview-station/contracts';
import { ForeignSessionFailure, MethodNotAllowedFailure, httpStatusFor, toStationError } from '../errors';
import { RateLimitedFailure } from '../rateLimit';

/** Fly's proxy marks a request it replayed (`fly-replay-src`); it replays a request only once. */
export function replayedByFly(req: IncomingMessage): boolean {
  return req.headers['fly-replay-src'] !== undefined;
}

/** An upgrade another machine serves: Fly's proxy replays it to `instance`. */
export function replayUpgrade(socket: Duplex, instance: string): void {
  socket.end(`HTTP/1.1 307 Temporary Redirect\r\nfly-replay: instance=${instance}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n`);
}

/** A request another machine serves: Fly's proxy replays it to `instance`. */
export function replayRequest(res: ServerResponse, instance: string): void {
  res.writeHead(307, { 'fly-replay': `instance=${instance}`, 'content-length': '0' }).end();
}

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
  if (error instanceof MethodNotAllowedFailure) headers['allow'] = error.allow.join(', ');
  return { status: httpStatusFor(body.code), body, headers };
}

export function sendFailure(res: ServerResponse, error: unknown): StationError {
  const { status, body, headers } = failureResponse(error);
  if (!res.headersSent) sendJson(res, status, body, headers);
  else res.destroy();
  return body;
}

/** Answers on a raw socket (a refused WebSocket upgrade, a request the parser refused) with a real HTTP status and the StationError body. */
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

/**
 * Lets a refused request's unread body arrive (discarded, for at most `waitMs`) before answering:
 * closing a socket with unread bytes resets it, and the caller would never see the typed refusal.
 */
export async function discardBody(req: IncomingMessage, waitMs = 1_000): Promise<void> {
  if (req.complete || req.destroyed) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, waitMs);
    timer.unref();
    const done = () => {
      clearTimeout(timer);
      resolve();
    };
    req.once('end', done).once('error', done).once('close', done);
    req.resume();
  });
}

/**
 * Reads a JSON body of at most `limit` bytes, stopping at the limit (a chunked body is not read to
 * its end first). Another media type → UNSUPPORTED_MEDIA_TYPE (415), too big → PAYLOAD_TOO_LARGE
 * (413), not JSON → VALIDATION_FAILED (400).
 */
export async function readJson(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw StationFailure.of('UNSUPPORTED_MEDIA_TYPE', 'content-type must be application/json');
  const tooLarge = () => StationFailure.of('PAYLOAD_TOO_LARGE', `request body larger than ${limit} bytes`);
  if (Number(req.headers['content-length'] ?? '0') > limit) throw tooLarge();
  // Listeners, not `for await`: leaving that loop early destroys the request, and with it the
  // socket the refusal has to go out on.
  const body = await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = () => {
      req.off('data', onData).off('end', onEnd).off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) return void chunks.push(chunk);
      stop();
      reject(tooLarge());
    };
    const onEnd = () => {
      stop();
      resolve(Buffer.concat(chunks));
    };
    const onError = () => {
      stop();
      reject(StationFailure.of('VALIDATION_FAILED', 'the request body was cut off'));
    };
    req.on('data', onData).once('end', onEnd).once('error', onError);
  });
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    throw StationFailure.of('VALIDATION_FAILED', 'request body is not valid JSON');
  }
}
