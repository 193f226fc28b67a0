// Test-only: a network cut between a station and a service it needs (Supabase, the token service).
import net, { type AddressInfo } from 'node:net';

/** A TCP pass-through that can be shut (connections refused, open ones cut) and reopened on the same port. */
export interface Gate {
  readonly url: string;
  open(): Promise<void>;
  close(): Promise<void>;
}

/** `listenPort`: a port reserved for the gate (0 picks a free one). */
export async function startGate(targetUrl: string, listenPort = 0): Promise<Gate> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = listenPort;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const open = () =>
    new Promise<void>((resolve, reject) => {
      if (server) return resolve();
      const next = net.createServer((client) => {
        const upstream = net.connect(Number(target.port), target.hostname);
        track(client);
        track(upstream);
        client.on('error', () => upstream.destroy());
        upstream.on('error', () => client.destroy());
        client.pipe(upstream).pipe(client);
      });
      next.once('error', reject);
      next.listen(port, '127.0.0.1', () => {
        port = (next.address() as AddressInfo).port;
        server = next;
        resolve();
      });
    });
  const close = () =>
    new Promise<void>((resolve) => {
      const current = server;
      server = null;
      for (const socket of sockets) socket.destroy();
      if (!current) return resolve();
      current.close(() => resolve());
    });
  await open();
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    open,
    close,
  };
}
