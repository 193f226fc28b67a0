import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { SessionJwtClaims } from '@interview-station/contracts';
import type { Isolation } from '../config';

/** Where a verified request of a session is served. */
export type Route = { readonly kind: 'local' } | { readonly kind: 'handled' };

/**
 * How sessions are kept apart (DESIGN.md, the reference design's per-session VMs):
 * - `shared`: one process, per-session state keyed by the verified `session_id`;
 * - `process`: one child process per session on a free port of this machine;
 * - `fly-machines`: one Fly machine per session, reached through `fly-replay`.
 * The front door (this process) always authenticates first; a strategy only decides where an
 * authenticated session's sockets and end requests go.
 */
export interface IsolationStrategy {
  readonly name: Isolation;
  /**
   * Routes a verified `/ws` upgrade of a hybrid session (starting its instance if need be): serve
   * it here, or the strategy has proxied or replayed it. Only hybrid sessions have instances.
   */
  routeUpgrade(claims: SessionJwtClaims, req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Route>;
  /** Routes a verified end request; `local` means end it in this process. */
  routeEnd(claims: SessionJwtClaims, req: IncomingMessage, res: ServerResponse): Promise<Route>;
  /** Per-session instances alive now (for metrics and tests). */
  instances(): number;
  close(): Promise<void>;
}

/** Everything in this process: the default, and what each per-session instance runs internally. */
export class SharedIsolation implements IsolationStrategy {
  readonly name = 'shared' as const;

  async routeUpgrade(): Promise<Route> {
    return { kind: 'local' };
  }

  async routeEnd(): Promise<Route> {
    return { kind: 'local' };
  }

  instances(): number {
    return 0;
  }

  async close(): Promise<void> {}
}
