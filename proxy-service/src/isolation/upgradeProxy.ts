import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';

/** The request line and headers of `req` as they came in, for replaying it elsewhere. */
export function rawRequestHead(req: IncomingMessage): string {
  let head = `${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1\r\n`;
  for (let i = 0; i < req.rawHeaders.length; i += 2) head += `${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}\r\n`;
  return `${head}\r\n`;
}

/**
 * Hands an upgrade request to another local server byte for byte and pipes the two sockets
 * together: the instance behind it sees the original request (headers, token) and authenticates
 * it again itself.
 */
export function pipeUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, target: { host: string; port: number }): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = connect(target.port, target.host, () => {
      upstream.write(rawRequestHead(req));
      if (head.length > 0) upstream.write(head);
      socket.pipe(upstream).pipe(socket);
      resolve();
    });
    upstream.once('error', (error) => {
      socket.destroy();
      reject(error);
    });
    upstream.on('close', () => socket.destroy());
    socket.on('close', () => upstream.destroy());
  });
}
