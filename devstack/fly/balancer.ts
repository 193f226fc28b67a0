import type { MachineFleet } from './machines';
import type { Target } from './replayProxy';

/**
 * Fly's proxy balancing the app's traffic, as the stand-in does it: round-robin over the machines
 * that are `started` and have a service (`config.services`; Fly routes only to those). A machine
 * that stops or dies drops out at once; a new one joins once it accepts connections.
 */
export class RoundRobin {
  private turn = 0;

  constructor(private readonly fleet: MachineFleet) {}

  next(exclude?: string): Target | null {
    const candidates = this.fleet.list().filter((m) => m.state === 'started' && Array.isArray(m.config['services']) && (m.config['services'] as unknown[]).length > 0);
    const others = candidates.filter((m) => m.id !== exclude);
    const pool = others.length > 0 ? others : candidates;
    if (pool.length === 0) return null;
    const machine = pool[this.turn++ % pool.length]!;
    const port = this.fleet.portOf(machine.id);
    return port ? { host: '127.0.0.1', port, id: machine.id } : null;
  }
}
