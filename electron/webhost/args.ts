import { homedir } from 'node:os';
import path from 'node:path';
import { policyFilePath } from '../services/config/configFiles';

export interface WebHostArgs {
  /** 0 picks a free port. */
  readonly port: number;
  readonly dataDir: string;
  /** The machine policy to read; tests point it at their own file. */
  readonly policyFile: string;
}

function flag(argv: readonly string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

/**
 * `--port N` (or STATION_WEB_PORT), `--data-dir DIR` (or STATION_DATA_DIR; by default the
 * per-user XDG data folder, as Electron's userData would be) and `--policy-file FILE` (or
 * STATION_POLICY_FILE; by default the OS's machine-wide policy).
 */
export function parseWebHostArgs(argv: readonly string[], env: NodeJS.ProcessEnv): WebHostArgs {
  const rawPort = flag(argv, '--port') ?? env['STATION_WEB_PORT'];
  const port = rawPort === undefined ? 0 : Number(rawPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid port: ${String(rawPort)}`);
  const dataHome = env['XDG_DATA_HOME'] ?? path.join(homedir(), '.local', 'share');
  const dataDir = path.resolve(flag(argv, '--data-dir') ?? env['STATION_DATA_DIR'] ?? path.join(dataHome, 'interview-station'));
  const policyFile = path.resolve(flag(argv, '--policy-file') ?? env['STATION_POLICY_FILE'] ?? policyFilePath(process.platform, env));
  return { port, dataDir, policyFile };
}
