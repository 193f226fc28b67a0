// Runs under Deno (not Node): the local stand-in for Supabase's edge runtime "main" service.
// Each function file calls `Deno.serve(handler)` at import time, as on hosted Supabase; this router
// captures those handlers instead of letting each bind a port, then serves them all on one
// loopback port under `/functions/v1/<name>` (and `/<name>`). Usage:
//   deno run --config supabase/functions/deno.json ... router.ts <functionsDir> <name>...
// It prints one JSON line `{"ready":true,"port":N}` on stdout when listening.

type Handler = (req: Request, info?: unknown) => Response | Promise<Response>;
interface ServeOptions {
  hostname?: string;
  port?: number;
  handler?: Handler;
  onListen?: (addr: { hostname: string; port: number }) => void;
}
interface DenoApi {
  serve(...args: unknown[]): unknown;
  args: string[];
  exit(code: number): never;
  addSignalListener(signal: 'SIGTERM' | 'SIGINT', listener: () => void): void;
}

// Typed locally so this file also passes the Node TypeScript check of devstack/.
const deno = (globalThis as unknown as { Deno: DenoApi }).Deno;

function handlerOf(args: unknown[]): Handler | undefined {
  for (const arg of args) {
    if (typeof arg === 'function') return arg as Handler;
    if (arg && typeof arg === 'object' && typeof (arg as ServeOptions).handler === 'function') return (arg as ServeOptions).handler;
  }
  return undefined;
}

async function loadFunctions(dir: string, names: string[]): Promise<Map<string, Handler>> {
  const realServe = deno.serve.bind(deno);
  const handlers = new Map<string, Handler>();
  let captured: Handler | undefined;
  deno.serve = (...args: unknown[]) => {
    captured = handlerOf(args);
    const done = Promise.resolve();
    return { finished: done, shutdown: () => done, ref() {}, unref() {}, addr: { hostname: '127.0.0.1', port: 0 } };
  };
  try {
    for (const name of names) {
      captured = undefined;
      await import(new URL(`${name}/index.ts`, `file://${dir.replace(/\/?$/, '/')}`).href);
      if (!captured) throw new Error(`function ${name} did not call Deno.serve(handler)`);
      handlers.set(name, captured);
    }
  } finally {
    deno.serve = realServe;
  }
  return handlers;
}

function route(handlers: Map<string, Handler>): Handler {
  return async (req, info) => {
    const { pathname } = new URL(req.url);
    const match = /^(?:\/functions\/v1)?\/([a-z0-9-]+)(?:\/.*)?$/.exec(pathname);
    const handler = match ? handlers.get(match[1] as string) : undefined;
    if (!handler) {
      return new Response(JSON.stringify({ code: 'NOT_FOUND', message: 'Requested function was not found' }), {
        status: 404,
        headers: { 'content-type': 'application/json' },
      });
    }
    return handler(req, info);
  };
}

const [dir, ...names] = deno.args;
if (!dir || names.length === 0) {
  console.error('usage: router.ts <functionsDir> <function-name>...');
  deno.exit(2);
}
const handlers = await loadFunctions(dir as string, names);
const server = deno.serve(
  {
    hostname: '127.0.0.1',
    port: 0,
    onListen: ({ port }: { port: number }) => console.log(JSON.stringify({ ready: true, port })),
  },
  route(handlers),
) as { shutdown(): Promise<void> };
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  deno.addSignalListener(signal, () => void server.shutdown().then(() => deno.exit(0)));
}

export {};
