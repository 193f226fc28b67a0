import { type ChildProcess, spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type SessionJwtClaims, StationFailure } from '@interview-station/contracts';
import type { Logger } from '../logger';
import { websocketUrlOf } from '../websocketUrl';
import { type InstanceCaps, assertCapacity } from './capacity';
import type { IsolationStrategy, Route } from './strategy';
import { pipeUpgrade } from './upgradeProxy';

/** How to start one more instance of this service (the same entry point, another process). */
export interface InstanceCommand {
  readonly command: string;
  readonly args: readonly string[];
}

interface Instance {
  readonly tenantId: string;
  readonly child: ChildProcess;
  readonly ready: Promise<{ port: number }>;
  readonly exited: Promise<void>;
}

export interface ProcessIsolationOptions {
  readonly command: InstanceCommand;
  /** The environment every instance gets (the parent's, with its secrets). */
  readonly env: Record<string, string | undefined>;
  readonly log: Logger;
  readonly startTimeoutMs?: number;
  /** At most this many children, in all and per tenant. */
  readonly caps: InstanceCaps;
}

/**
 * One child process per session on a free port of 127.0.0.1: real isolation on one machine. The
 * child runs this same service with `SESSION_ONLY`, so it refuses every other session; it exits
 * when its session ends or sits idle, and a crash only loses that session's instance. This
 * process stays the front door: it authenticates, then pipes sockets and end requests through.
 */
export class ProcessIsolation implements IsolationStrategy {
  readonly name = 'process' as const;
  private readonly children = new Map<string, Instance>();

  constructor(private readonly options: ProcessIsolationOptions) {}

  /** The SDP proxy URL of a session's running instance, if one runs (tests reach it directly). */
  async websocketUrlFor(sessionId: string): Promise<string | undefined> {
    const instance = this.children.get(sessionId);
    if (!instance) return undefined;
    const { port } = await instance.ready;
    return websocketUrlOf(`http://127.0.0.1:${port}`);
  }

  async routeUpgrade(claims: SessionJwtClaims, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Route> {
    const { port } = await this.ensure(claims);
    await pipeUpgrade(req, socket, head, { host: '127.0.0.1', port }).catch(() => {
      throw StationFailure.of('VM_PROVISIONING_FAILED', 'the session instance is not reachable');
    });
    return { kind: 'handled' };
  }

  async routeEnd(claims: SessionJwtClaims, req: IncomingMessage, res: ServerResponse): Promise<Route> {
    const instance = this.children.get(claims.session_id);
    if (!instance) return { kind: 'local' };
    const { port } = await instance.ready;
    // The verified session's own end path, not the caller's raw target.
    const answer = await fetch(`http://127.0.0.1:${port}/api/realtime/sessions/${claims.session_id}/end`, {
      method: 'POST',
      headers: { authorization: req.headers.authorization ?? '' },
      signal: AbortSignal.timeout(15_000),
    }).catch(() => null);
    if (!answer) throw StationFailure.of('UPSTREAM_UNAVAILABLE', 'the session instance did not answer');
    res.writeHead(answer.status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(await answer.text());
    // The child exits on its own once its session ended; make sure it does.
    const timer = setTimeout(() => instance.child.kill('SIGKILL'), 10_000);
    timer.unref();
    void instance.exited.then(() => clearTimeout(timer));
    return { kind: 'handled' };
  }

  instances(): number {
    return this.children.size;
  }

  /** The process serving a session, if one runs. */
  pidOf(sessionId: string): number | undefined {
    return this.children.get(sessionId)?.child.pid;
  }

  async close(): Promise<void> {
    const all = [...this.children.values()];
    for (const instance of all) instance.child.kill('SIGTERM');
    await Promise.all(all.map((instance) => instance.exited));
  }

  /** The session's child, started if need be within the caps; its slot frees when it exits. */
  private ensure(claims: SessionJwtClaims): Promise<{ port: number }> {
    const sessionId = claims.session_id;
    const existing = this.children.get(sessionId);
    if (existing) return existing.ready;
    let tenant = 0;
    for (const instance of this.children.values()) if (instance.tenantId === claims.tenant_id) tenant += 1;
    assertCapacity(this.options.caps, { total: this.children.size, tenant });
    const instance = this.spawn(sessionId, claims.tenant_id);
    this.children.set(sessionId, instance);
    return instance.ready;
  }

  private spawn(sessionId: string, tenantId: string): Instance {
    const log = this.options.log.child({ sessionId });
    // A port of its own, no public URL and no metrics port of its own (the parent's would clash).
    const env = { ...this.options.env, ISOLATION: 'shared', SESSION_ONLY: sessionId, HOST: '127.0.0.1', PORT: '0', PUBLIC_URL: '', METRICS_PORT: '', METRICS_PUBLIC: '' };
    const child = spawn(this.options.command.command, [...this.options.command.args], { env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const ready = new Promise<{ port: number }>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(StationFailure.of('VM_PROVISIONING_FAILED', 'the session instance did not start in time'));
      }, this.options.startTimeoutMs ?? 15_000);
      child.on('message', (message: { type?: string; port?: number }) => {
        if (message?.type === 'listening' && typeof message.port === 'number') {
          clearTimeout(timer);
          resolve({ port: message.port });
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(StationFailure.of('VM_PROVISIONING_FAILED', 'the session instance exited'));
        // Cleaned up on end or crash alike: the next request for the session starts a fresh one.
        if (this.children.get(sessionId)?.child === child) this.children.delete(sessionId);
        log.info({ code, signal, pid: child.pid }, 'session instance exited');
      });
      child.once('error', () => reject(StationFailure.of('VM_PROVISIONING_FAILED', 'the session instance could not be started')));
    });
    ready.catch(() => undefined);
    log.info({ pid: child.pid }, 'session instance started');
    return { tenantId, child, ready, exited };
  }
}
