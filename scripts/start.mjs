// `npm start`: builds the station, starts the local stack (Postgres, auth, edge functions, the
// Realtime simulator: `npm run stack`), then runs the station against it: as the Electron app
// where the Electron binary is installed, or through the web host where it is not (saying so, and
// printing the URL to open). Ctrl-C stops everything.
//   npm start                  station + local stack
//   npm start -- --no-stack    station only (configured by its policy file or STATION_* variables)
//   npm start -- --port 8123   web host port
//   npm start -- --realtime-session-max-seconds 60
//                              the simulator ends realtime sessions at 60 s (as OpenAI does at 60 min)
//                              and the station, told the same limit, rolls over before it
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { findElectronBinary } from './electronBinary.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const withStack = !args.includes('--no-stack');
const sessionMaxAt = args.indexOf('--realtime-session-max-seconds');
const sessionMax = sessionMaxAt >= 0 ? args[sessionMaxAt + 1] : undefined;
if (sessionMaxAt >= 0 && !/^\d+$/.test(sessionMax ?? '')) {
  console.error('npm start: --realtime-session-max-seconds takes a number of seconds');
  process.exit(2);
}
const stationArgs = args.filter((arg, i) => arg !== '--no-stack' && (sessionMaxAt < 0 || (i !== sessionMaxAt && i !== sessionMaxAt + 1)));
const stackFile = path.join(root, '.devstack', 'stack.json');
const dataHome = process.env.XDG_DATA_HOME ?? path.join(os.homedir(), '.local', 'share');
const children = [];

function stopAll(code) {
  for (const child of children.reverse()) if (child.exitCode === null) child.kill('SIGINT');
  process.exitCode = code;
}

async function startStack() {
  rmSync(stackFile, { force: true });
  const stackArgs = sessionMax ? ['--realtime-session-max-seconds', sessionMax] : [];
  const stack = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'devstack', 'stack.ts'), ...stackArgs], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
    // The developer's stack keeps its data in a per-user folder across runs.
    env: { ...process.env, STATION_STACK_DATA_DIR: process.env.STATION_STACK_DATA_DIR ?? path.join(dataHome, 'interview-station', 'devstack', 'postgres') },
  });
  children.push(stack);
  const deadline = Date.now() + 120_000;
  while (!existsSync(stackFile)) {
    if (stack.exitCode !== null) throw new Error(`the local stack exited with ${stack.exitCode}`);
    if (Date.now() > deadline) throw new Error('the local stack did not become ready in 120 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const info = JSON.parse(readFileSync(stackFile, 'utf8'));
  console.log(
    `Local stack ready: Supabase at ${info.supabaseUrl}, token service at ${info.tokenServiceUrl}, Realtime simulator at ${info.realtimeUrl} (details in ${path.relative(root, stackFile)}).`,
  );
  console.log(`Seeded users: ${info.users.map((u) => `${u.email} (${u.role}) / ${u.password}`).join(', ')}`);
  const [station] = info.stations;
  console.log(`This station is enrolled as ${station.tenant}'s station: sign in as one of its users to start interviews.`);
  return {
    STATION_SUPABASE_URL: info.supabaseUrl,
    STATION_SUPABASE_ANON_KEY: info.anonKey,
    STATION_TOKEN_SERVICE_URL: info.tokenServiceUrl,
    STATION_REALTIME_URL: info.realtimeUrl,
    STATION_ID: station.stationId,
    ...(sessionMax ? { STATION_REALTIME_SESSION_MAX_SECONDS: sessionMax } : {}),
  };
}

function startStation(env) {
  const electron = findElectronBinary();
  if ('path' in electron) return spawn(electron.path, ['.'], { cwd: root, stdio: 'inherit', env });
  console.log(`\nElectron is not used: ${electron.missing}`);
  console.log('Serving the same station through the web host instead; open the URL below in Chromium.');
  console.log('(To run the Electron app, install its binary: see "Using a real Electron binary" in README.md.)\n');
  return spawn(process.execPath, [path.join(root, 'out/main/webhost.js'), ...stationArgs], { cwd: root, stdio: 'inherit', env });
}

async function main() {
  const build = spawnSync(path.join(root, 'node_modules', '.bin', 'electron-vite'), ['build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));
  // stack.json describes a running stack; never leave it behind describing a stopped one.
  process.on('exit', () => withStack && rmSync(stackFile, { force: true }));
  const stackEnv = withStack ? await startStack() : {};
  const station = startStation({ ...process.env, ...(sessionMax ? { STATION_REALTIME_SESSION_MAX_SECONDS: sessionMax } : {}), ...stackEnv });
  children.push(station);
  station.on('exit', (code) => stopAll(code ?? 0));
}

main().catch((error) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  stopAll(1);
});
