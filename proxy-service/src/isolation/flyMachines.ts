import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { type SessionJwtClaims, StationFailure } from '@interview-station/contracts';
import { replayRequest, replayUpgrade } from '../http/respond';
import type { Logger } from '../logger';
import { type InstanceCaps, assertCapacity } from './capacity';
import type { IsolationStrategy, Route } from './strategy';

export interface FlyMachinesOptions {
  /** `https://api.machines.dev` (or the local stand-in, devstack/fly). */
  readonly apiUrl: string;
  readonly apiToken: string;
  readonly app: string;
  readonly image: string;
  readonly region?: string;
  readonly publicUrl: () => string;
  readonly log: Logger;
  readonly timeoutMs?: number;
  /** At most this many session machines in the app, in all and per tenant (counted from the API). */
  readonly caps: InstanceCaps;
  /** The port the image listens on (the Dockerfile's PORT). */
  readonly internalPort?: number;
}

interface Machine {
  readonly id: string;
  readonly state: string;
  readonly config?: { metadata?: Record<string, string> };
}

const LIVE_STATES = new Set(['created', 'starting', 'started']);

/**
 * One Fly machine per session (the reference design's per-session VMs), created through the Fly
 * Machines API with `auto_destroy` so it is removed when its process exits (session ended or idle).
 * The machine is found again by its `session_id` metadata, so any front instance can route to it:
 * requests are answered with `fly-replay: instance=<id>` and Fly's proxy replays them there.
 * App secrets (the OpenAI key, the JWT secret) reach the machine as on every machine of the app.
 */
export class FlyMachinesIsolation implements IsolationStrategy {
  readonly name = 'fly-machines' as const;
  private readonly pending = new Map<string, Promise<Machine>>();

  constructor(private readonly options: FlyMachinesOptions) {}

  async routeUpgrade(claims: SessionJwtClaims, _req: IncomingMessage, socket: Duplex): Promise<Route> {
    const machine = await this.ensure(claims);
    replayUpgrade(socket, machine.id);
    return { kind: 'handled' };
  }

  async routeEnd(claims: SessionJwtClaims, _req: IncomingMessage, res: ServerResponse): Promise<Route> {
    const machine = await this.find(claims.session_id);
    // No machine: the session never got one, or it is gone already; ending it here is idempotent.
    if (!machine) return { kind: 'local' };
    replayRequest(res, machine.id);
    return { kind: 'handled' };
  }

  instances(): number {
    return this.pending.size;
  }

  async close(): Promise<void> {
    this.pending.clear();
  }

  private ensure(claims: SessionJwtClaims): Promise<Machine> {
    const sessionId = claims.session_id;
    const inFlight = this.pending.get(sessionId);
    if (inFlight) return inFlight;
    const work = this.findOrCreate(claims).finally(() => this.pending.delete(sessionId));
    this.pending.set(sessionId, work);
    return work;
  }

  private async findOrCreate(claims: SessionJwtClaims): Promise<Machine> {
    const sessionId = claims.session_id;
    const existing = await this.find(sessionId);
    if (existing) return existing;
    // Counted from the Machines API, so the caps hold across every front machine of the app (up to
    // creations racing on several of them at once). A destroyed machine no longer counts.
    const running = ((await this.call('GET', `/v1/apps/${this.options.app}/machines?metadata.role=session`)) as Machine[]).filter((m) => LIVE_STATES.has(m.state));
    const tenant = running.filter((m) => m.config?.metadata?.['tenant_id'] === claims.tenant_id).length;
    assertCapacity(this.options.caps, { total: running.length, tenant });
    const machine = (await this.call('POST', `/v1/apps/${this.options.app}/machines`, {
      name: `session-${sessionId}`,
      ...(this.options.region ? { region: this.options.region } : {}),
      config: {
        image: this.options.image,
        env: { ISOLATION: 'shared', SESSION_ONLY: sessionId },
        metadata: { session_id: sessionId, tenant_id: claims.tenant_id, role: 'session' },
        auto_destroy: true,
        restart: { policy: 'no' },
        guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
        // Fly's proxy can only replay to a machine with a service; requests for other sessions
        // that the load balancer sends it are answered `fly-replay: elsewhere=true`.
        services: [
          {
            protocol: 'tcp',
            internal_port: this.options.internalPort ?? 8080,
            autostop: 'off',
            ports: [
              { port: 443, handlers: ['tls', 'http'] },
              { port: 80, handlers: ['http'] },
            ],
          },
        ],
      },
    })) as Machine;
    await this.call('GET', `/v1/apps/${this.options.app}/machines/${machine.id}/wait?state=started&timeout=30`);
    this.options.log.info({ sessionId, machine: machine.id }, 'session machine started');
    return machine;
  }

  private async find(sessionId: string): Promise<Machine | null> {
    const list = (await this.call('GET', `/v1/apps/${this.options.app}/machines?metadata.session_id=${encodeURIComponent(sessionId)}`)) as Machine[];
    return list.find((m) => LIVE_STATES.has(m.state) && m.config?.metadata?.['session_id'] === sessionId) ?? null;
  }

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(`${this.options.apiUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.options.apiToken}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 40_000),
      });
    } catch {
      throw StationFailure.of('VM_PROVISIONING_FAILED', 'the Fly Machines API could not be reached');
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw StationFailure.of('VM_PROVISIONING_FAILED', `the Fly Machines API refused (${res.status})`);
    }
    return res.json();
  }
}
