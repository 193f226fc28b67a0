import type { IncomingMessage, ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import type { MachineConfig, MachineFleet } from './machines';

/**
 * The subset of the Fly Machines API (`https://api.machines.dev/v1`) the token service uses:
 * create, list (with `metadata.*` filters), get, wait, stop, destroy. Bearer-token auth; errors
 * as `{ error }` with real statuses, like the real API.
 */
export function createMachinesApi(fleet: MachineFleet, options: { app: string; token: string }) {
  const base = `/v1/apps/${options.app}/machines`;

  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (!authorized(req.headers.authorization, options.token)) return send(401, { error: 'unauthorized' });
    if (!url.pathname.startsWith('/v1/apps/')) return send(404, { error: 'not found' });
    if (!url.pathname.startsWith(base)) return send(404, { error: 'app not found' });
    const rest = url.pathname.slice(base.length).split('/').filter(Boolean);
    const [id, action] = rest;

    if (rest.length === 0 && req.method === 'GET') {
      const metadata: Record<string, string> = {};
      for (const [key, value] of url.searchParams) if (key.startsWith('metadata.')) metadata[key.slice('metadata.'.length)] = value;
      return send(200, fleet.list(metadata));
    }
    if (rest.length === 0 && req.method === 'POST') {
      const body = (await readJson(req)) as { name?: string; region?: string; config?: MachineConfig } | null;
      if (!body?.config || typeof body.config.image !== 'string') return send(400, { error: 'config.image is required' });
      return send(200, await fleet.create(body.name, body.region, body.config));
    }
    if (!id || !fleet.get(id)) return send(404, { error: 'machine not found' });
    if (!action && req.method === 'GET') return send(200, fleet.get(id));
    if (action === 'wait' && req.method === 'GET') {
      const state = (url.searchParams.get('state') ?? 'started') as Parameters<MachineFleet['waitFor']>[1];
      const seconds = Math.min(60, Number(url.searchParams.get('timeout') ?? '60'));
      return (await fleet.waitFor(id, state, seconds * 1000)) ? send(200, { ok: true }) : send(408, { error: `machine did not reach ${state}` });
    }
    if (action === 'stop' && req.method === 'POST') {
      // Fly's body: `{ "signal": "SIGKILL" }` kills at once; the default is the app's kill_signal (SIGTERM).
      const body = (await readJson(req)) as { signal?: unknown } | null;
      const signal = body?.signal ?? 'SIGTERM';
      if (signal !== 'SIGTERM' && signal !== 'SIGKILL') return send(400, { error: 'signal must be SIGTERM or SIGKILL' });
      return send(200, { ok: await fleet.stop(id, signal === 'SIGKILL') });
    }
    if (!action && req.method === 'DELETE') {
      const done = await fleet.destroy(id, url.searchParams.get('force') === 'true');
      return done ? send(200, { ok: true }) : send(412, { error: 'machine is running; stop it or pass force=true' });
    }
    return send(405, { error: 'method not allowed' });
  };
}

function authorized(header: string | undefined, token: string): boolean {
  const presented = /^(?:Bearer|FlyV1) (.+)$/.exec(header ?? '')?.[1] ?? '';
  const a = Buffer.from(presented);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return null;
  }
}
