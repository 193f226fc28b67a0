import { connect } from 'node:net';

/** An answer read off the wire: status line, headers (lower-case names) and body. */
export interface RawAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** The body as JSON, or null. */
  readonly json: { code?: string; retryable?: boolean; field?: string } | null;
}

/**
 * Sends bytes exactly as given (a request target no `fetch` would send: `//`, bad escapes, huge
 * paths) and reads the answer until the server closes or `timeoutMs` passes.
 */
export function rawRequest(baseUrl: string, request: string, timeoutMs = 5_000): Promise<RawAnswer> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    // write, not end: a half-closed client makes Node drop an answer still being prepared.
    const socket = connect(Number(port), hostname, () => socket.write(request));
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => socket.destroy(), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      // An accepted upgrade stays open: its status line is the whole answer.
      if (Buffer.concat(chunks).toString('latin1').startsWith('HTTP/1.1 101')) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      const [head = '', ...rest] = text.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
      if (!status) return reject(new Error(`no HTTP answer: ${JSON.stringify(text.slice(0, 200))}`));
      const headers = Object.fromEntries(
        headerLines.map((line) => [line.slice(0, line.indexOf(':')).trim().toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      const body = rest.join('\r\n\r\n');
      let json: RawAnswer['json'] = null;
      try {
        json = JSON.parse(body) as RawAnswer['json'];
      } catch {
        json = null;
      }
      resolve({ status, headers, body, json });
    });
  });
}

/** `METHOD target HTTP/1.1` with the given headers and body, `connection: close`. */
export function httpRequest(method: string, target: string, headers: Record<string, string> = {}, body = ''): string {
  const lines = [`${method} ${target} HTTP/1.1`, 'host: 127.0.0.1', 'connection: close'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body || method === 'POST') lines.push(`content-length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/** A WebSocket upgrade request for `target`. */
export function upgradeRequest(target: string, headers: Record<string, string> = {}): string {
  return httpRequest('GET', target, {
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
    ...headers,
  }).replace('connection: close\r\n', '');
}
