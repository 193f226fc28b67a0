import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { freePort } from '../supabase/freePort';

/** How the stand-in runs "an image": a local command (our image runs `node dist/main.cjs`). */
export interface ImageCommand {
  readonly command: string;
  readonly args: readonly string[];
}

/** The part of a Fly machine config the stand-in honours (others are accepted and echoed). */
export interface MachineConfig {
  readonly image: string;
  readonly env?: Record<string, string>;
  readonly metadata?: Record<string, string>;
  readonly auto_destroy?: boolean;
  readonly [other: string]: unknown;
}

export type MachineState = 'created' | 'starting' | 'started' | 'stopping' | 'stopped' | 'destroyed';

/** A machine as the Machines API reports it. */
export interface MachineView {
  readonly id: string;
  readonly name: string;
  readonly state: MachineState;
  readonly region: string;
  readonly instance_id: string;
  readonly private_ip: string;
  readonly config: MachineConfig;
  readonly created_at: string;
}

interface Machine {
  view: MachineView;
  readonly port: number;
  child: ChildProcess | null;
  readonly exited: Promise<void>;
  waiters: (() => void)[];
}

const STARTUP_TIMEOUT_MS = 20_000;

/**
 * The machines of one app, each a local child process listening on 127.0.0.1:<port> (the
 * stand-in for a Firecracker VM listening on its internal port). Environment = the app's secrets,
 * then the machine config's `env`, then Fly's own `FLY_*` variables and `PORT`.
 */
export class MachineFleet {
  private readonly machines = new Map<string, Machine>();

  constructor(
    private readonly options: { app: string; region: string; image: ImageCommand; secrets: Record<string, string>; log?: (line: string) => void },
  ) {}

  async create(name: string | undefined, region: string | undefined, config: MachineConfig): Promise<MachineView> {
    const id = randomBytes(7).toString('hex');
    const port = await freePort();
    const env = {
      PATH: process.env['PATH'] ?? '',
      ...this.options.secrets,
      ...config.env,
      FLY_APP_NAME: this.options.app,
      FLY_MACHINE_ID: id,
      FLY_REGION: region ?? this.options.region,
      FLY_PRIVATE_IP: '127.0.0.1',
      HOST: '127.0.0.1',
      PORT: String(port),
    };
    const child = spawn(this.options.image.command, [...this.options.image.args], { env, stdio: ['ignore', 'inherit', 'inherit'] });
    const machine: Machine = {
      view: {
        id,
        name: name ?? `machine-${id}`,
        state: 'starting',
        region: region ?? this.options.region,
        instance_id: randomBytes(8).toString('hex').toUpperCase(),
        private_ip: '127.0.0.1',
        config,
        created_at: new Date().toISOString(),
      },
      port,
      child,
      exited: new Promise((resolve) => child.once('exit', () => resolve())),
      waiters: [],
    };
    this.machines.set(id, machine);
    child.once('exit', (code) => {
      machine.child = null;
      this.options.log?.(`machine ${id} exited (${code ?? 'signal'})`);
      // auto_destroy: the machine is removed once its process exits, as Fly does.
      this.setState(machine, config.auto_destroy ? 'destroyed' : 'stopped');
      if (config.auto_destroy) this.machines.delete(id);
    });
    void this.awaitListening(machine);
    return machine.view;
  }

  get(id: string): MachineView | undefined {
    return this.machines.get(id)?.view;
  }

  /** Live machines, optionally filtered by metadata (`?metadata.key=value`). */
  list(metadata: Record<string, string> = {}): MachineView[] {
    return [...this.machines.values()]
      .map((m) => m.view)
      .filter((view) => Object.entries(metadata).every(([key, value]) => view.config.metadata?.[key] === value));
  }

  portOf(id: string): number | undefined {
    const machine = this.machines.get(id);
    return machine?.view.state === 'started' ? machine.port : undefined;
  }

  /** Resolves true once the machine reaches `state`, false after `timeoutMs`. */
  async waitFor(id: string, state: MachineState, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const machine = this.machines.get(id);
      if (!machine) return state === 'destroyed';
      if (machine.view.state === state) return true;
      const left = deadline - Date.now();
      if (left <= 0) return false;
      await new Promise<void>((resolve) => {
        machine.waiters.push(resolve);
        setTimeout(resolve, Math.min(left, 250));
      });
    }
  }

  async stop(id: string, force: boolean): Promise<boolean> {
    const machine = this.machines.get(id);
    if (!machine) return false;
    if (machine.child) {
      this.setState(machine, 'stopping');
      machine.child.kill(force ? 'SIGKILL' : 'SIGTERM');
      await machine.exited;
    }
    return true;
  }

  async destroy(id: string, force: boolean): Promise<boolean> {
    const machine = this.machines.get(id);
    if (!machine) return false;
    if (machine.child && !force) return false;
    await this.stop(id, true);
    this.setState(machine, 'destroyed');
    this.machines.delete(id);
    return true;
  }

  async close(): Promise<void> {
    await Promise.all([...this.machines.keys()].map((id) => this.stop(id, false)));
    this.machines.clear();
  }

  private setState(machine: Machine, state: MachineState): void {
    machine.view = { ...machine.view, state };
    for (const wake of machine.waiters.splice(0)) wake();
  }

  /** `started` once the process accepts connections on its port, as Fly's checks would see it. */
  private async awaitListening(machine: Machine): Promise<void> {
    const deadline = Date.now() + STARTUP_TIMEOUT_MS;
    while (machine.child && Date.now() < deadline) {
      const open = await new Promise<boolean>((resolve) => {
        const socket = connect(machine.port, '127.0.0.1', () => (socket.end(), resolve(true)));
        socket.once('error', () => resolve(false));
      });
      if (open) return this.setState(machine, 'started');
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    machine.child?.kill('SIGKILL');
  }
}
