import type { ServiceConfig } from '../config';
import type { Logger } from '../logger';
import type { ServiceMetrics } from '../metrics';
import { FlyMachinesIsolation } from './flyMachines';
import { type InstanceCommand, ProcessIsolation } from './processIsolation';
import { type IsolationStrategy, SharedIsolation } from './strategy';

export interface IsolationDeps {
  readonly log: Logger;
  readonly metrics: ServiceMetrics;
  readonly publicUrl: () => string;
  /** How to start a per-session instance (`process`); default: this process's own command line. */
  readonly instanceCommand?: InstanceCommand;
  readonly env?: Record<string, string | undefined>;
}

/** The strategy `ISOLATION` names. A per-session instance itself always runs `shared`. */
export function createIsolation(config: ServiceConfig, deps: IsolationDeps): IsolationStrategy {
  const isolation = config.SESSION_ONLY ? 'shared' : config.ISOLATION;
  const caps = { total: config.ISOLATION_MAX_INSTANCES, perTenant: config.ISOLATION_MAX_PER_TENANT };
  if (isolation === 'process') {
    return new ProcessIsolation({
      command: deps.instanceCommand ?? { command: process.execPath, args: [...process.execArgv, process.argv[1] ?? ''] },
      env: deps.env ?? process.env,
      log: deps.log,
      caps,
    });
  }
  if (isolation === 'fly-machines') {
    return new FlyMachinesIsolation({
      apiUrl: config.FLY_API_URL,
      apiToken: config.FLY_API_TOKEN ?? '',
      app: config.FLY_APP_NAME ?? '',
      image: config.FLY_MACHINE_IMAGE ?? '',
      region: config.FLY_REGION,
      publicUrl: deps.publicUrl,
      log: deps.log,
      caps,
    });
  }
  return new SharedIsolation();
}
