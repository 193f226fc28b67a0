import net from 'node:net';

/**
 * Asks the kernel for a free TCP port on 127.0.0.1. For servers that must be told their port up
 * front (Postgres); servers we own listen on port 0 instead and report what they got.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}
