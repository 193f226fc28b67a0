/**
 * Chaos, with counts (issue 14). A scripted interview is fed, entry by entry, through the station's
 * real services — the web host's WebSocket bridge (launch token, app origin), the IPC router and
 * the `transcript:append` / `transcript:append-batch` handlers — while the station's process is
 * SIGKILLed at random (seeded) moments and started again on the same data folder, the "page"
 * reconnects at others, and the network to Supabase is cut at others (a TCP gate in front of the
 * stack's URL). Like the renderer, the page sends each entry until it is acknowledged.
 *
 * After each restart: the station's journal (read back over the bridge) holds every acknowledged
 * entry, and Postgres holds no duplicate and nothing that was not in the script. After the final
 * sync: Postgres holds every acknowledged entry exactly once, as scripted, and nothing else.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import postgres from 'postgres';
import WebSocket from 'ws';
import {
  BRIDGE_PATH,
  BRIDGE_PROTOCOL,
  BRIDGE_TOKEN_PREFIX,
  BridgeServerMessageSchema,
  transcriptKeyString,
  type TranscriptEntryInput,
} from '@interview-station/contracts';
import { SEED as SEED_DATA, SEED_PASSWORD } from '../../devstack/supabase/seedUsers';
import { startSupabaseStack } from '../../devstack/supabase/supabaseStack';
import { startGate, type Gate } from '../support/tcpGate';
import { between, seededRandom } from './seededRandom';

const ROOT = path.resolve(__dirname, '../..');
const CHILD_SOURCE = path.join(__dirname, 'stationChild.ts');
/** Inside the repository so the bundle resolves node_modules from here. */
const CHILD_BUNDLE = path.join(ROOT, 'node_modules', '.cache', 'station-chaos', 'stationChild.cjs');

export interface ChaosOptions {
  readonly kills: number;
  readonly seed: number;
  /** Final entries in the scripted interview (at least 200). */
  readonly entries?: number;
  readonly log?: (line: string) => void;
}

export interface ChaosCounts {
  kills: number;
  reconnects: number;
  cuts: number;
  /** Distinct scripted entries the station acknowledged as durable. */
  acknowledged: number;
  /** Every acknowledgement the page received. */
  acknowledgements: number;
  /** Entries re-sent after a lost answer that the journal already held (answered `duplicate`, not written again). */
  replaysFoundJournaled: number;
  rows: number;
  duplicates: number;
  losses: number;
  /** Rows that match no scripted entry, or differ from it. */
  strangers: number;
  /** Acknowledged entries missing from the journal after a restart (must be 0). */
  journalLosses: number;
  /** Kills that found an append sent but not yet answered (the kill landed mid-append). */
  killsMidAppend: number;
  /** Rows in Postgres after each restart, summed: uploads ran between kills. */
  rowsSeenAtKills: number;
  seconds: number;
  seed: number;
}

type Result = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };

/** The "page": the bridge protocol as preload/web.ts speaks it, over `ws`. */
class Page {
  private readonly pending = new Map<number, (result: Result) => void>();
  private nextId = 0;
  private constructor(private readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const parsed = BridgeServerMessageSchema.safeParse(JSON.parse(String(data)));
      if (!parsed.success || parsed.data.kind !== 'result') return;
      this.pending.get(parsed.data.id)?.(parsed.data.result as Result);
      this.pending.delete(parsed.data.id);
    });
    socket.on('close', () => this.failAll());
    socket.on('error', () => this.failAll());
  }

  static async connect(url: string, origin: string): Promise<Page> {
    const token = new URLSearchParams(new URL(url).hash.slice(1)).get('token') ?? '';
    const socket = new WebSocket(`${origin.replace('http', 'ws')}${BRIDGE_PATH}`, [BRIDGE_PROTOCOL, `${BRIDGE_TOKEN_PREFIX}${token}`], { headers: { origin } });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new Page(socket);
  }

  get inFlight(): number {
    return this.pending.size;
  }

  invoke(channel: string, input: unknown): Promise<Result> {
    if (this.socket.readyState !== WebSocket.OPEN) return Promise.resolve(disconnected());
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.socket.send(JSON.stringify({ id, channel, input }));
    });
  }

  /** A reload: the socket goes away at once, unanswered calls are lost to the page. */
  close(): void {
    this.socket.terminate();
    this.failAll();
  }

  private failAll(): void {
    for (const resolve of this.pending.values()) resolve(disconnected());
    this.pending.clear();
  }
}

function disconnected(): Result {
  return { ok: false, error: { code: 'HOST_DISCONNECTED', message: 'The connection to the station host was lost.' } };
}

/** Bundles the station process once (a bundle starts in a fraction of the time tsx needs). */
async function bundleChild(): Promise<void> {
  const { build } = await import('esbuild');
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  await build({
    entryPoints: [CHILD_SOURCE],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: CHILD_BUNDLE,
    // Dependencies load from node_modules as the web host's do; the project's own code is bundled.
    external: [...Object.keys(pkg.dependencies), 'electron'],
    logLevel: 'warning',
  });
}

interface Station {
  readonly child: ChildProcess;
  readonly url: string;
  readonly origin: string;
}

/**
 * Station processes on one data folder. The next one is spawned and loads its code while the
 * current one runs; it opens the station (config, secrets, journals, sync, bridge) only when told
 * to, after the previous one is dead, so two never share the folder.
 */
class StationProcesses {
  /** Loaded processes waiting for `go`, oldest first. */
  private readonly standbys: Promise<ChildProcess>[] = [];
  /** Milliseconds spent waiting for a station to load and open. */
  waitedMs = 0;
  private readonly children = new Set<ChildProcess>();
  stderr = '';

  constructor(
    private readonly dataDir: string,
    private readonly policyFile: string,
    private readonly env: NodeJS.ProcessEnv,
    /** How many processes load ahead (loading, not opening, is what a restart waits for). */
    private readonly ahead = 2,
  ) {}

  private spawnStandby(): Promise<ChildProcess> {
    const child = spawn(process.execPath, [CHILD_BUNDLE, this.dataDir, this.policyFile, path.join(ROOT, 'out', 'renderer')], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: this.env,
    });
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    child.stderr!.on('data', (chunk: Buffer) => (this.stderr = (this.stderr + chunk.toString()).slice(-8_000)));
    child.stdin!.on('error', () => undefined);
    return new Promise((resolve, reject) => {
      const lines = createInterface({ input: child.stdout! });
      lines.once('line', (line) => (line === 'loaded' ? resolve(child) : reject(new Error(`unexpected line from station: ${line}`))));
      child.once('exit', (code, signal) => reject(new Error(`station exited before loading (${String(code ?? signal)})\n${this.stderr}`)));
    });
  }

  async start(): Promise<Station> {
    const began = Date.now();
    while (this.standbys.length < this.ahead) this.standbys.push(this.spawnStandby());
    const child = await this.standbys.shift()!;
    const ready = new Promise<{ url: string; origin: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`station did not open in 20 s\n${this.stderr}`)), 20_000);
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        if (!line.startsWith('{"webhost"')) return;
        clearTimeout(timer);
        resolve((JSON.parse(line) as { webhost: { url: string; origin: string } }).webhost);
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`station exited while opening (${String(code ?? signal)})\n${this.stderr}`));
      });
    });
    child.stdin!.write('go\n');
    const opened = await ready;
    this.waitedMs += Date.now() - began;
    while (this.standbys.length < this.ahead) {
      const next = this.spawnStandby();
      next.catch(() => undefined);
      this.standbys.push(next);
    }
    return { child, ...opened };
  }

  async kill(station: Station): Promise<void> {
    if (station.child.exitCode !== null || station.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => station.child.once('exit', () => resolve()));
    station.child.kill('SIGKILL');
    await exited;
  }

  async stopAll(): Promise<void> {
    await Promise.all(
      [...this.children].map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGKILL');
          }),
      ),
    );
  }
}

function scriptedEntry(sessionId: string, n: number): TranscriptEntryInput {
  return {
    sessionId,
    itemId: `item_${n}`,
    // Two content parts on some items, as the Realtime API sends.
    contentIndex: n % 7 === 3 ? 1 : 0,
    speaker: n % 2 === 0 ? 'ai' : 'candidate',
    content: `utterance ${n}: ${'lorem ipsum '.repeat(1 + (n % 9))}`.trim(),
    speechStartedAt: new Date(Date.UTC(2026, 11, 1, 9, 0, 0) + n * 1500).toISOString(),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function runChaos(options: ChaosOptions): Promise<ChaosCounts> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const random = seededRandom(options.seed);
  const entryCount = Math.max(200, options.entries ?? Math.max(300, Math.ceil(options.kills * 1.5)));
  const counts: ChaosCounts = {
    kills: 0,
    reconnects: 0,
    cuts: 0,
    acknowledged: 0,
    acknowledgements: 0,
    replaysFoundJournaled: 0,
    rows: 0,
    duplicates: 0,
    losses: 0,
    strangers: 0,
    journalLosses: 0,
    killsMidAppend: 0,
    rowsSeenAtKills: 0,
    seconds: 0,
    seed: options.seed,
  };

  await bundleChild();
  const stack = await startSupabaseStack();
  /** Run last first. */
  const cleanups: (() => Promise<unknown> | unknown)[] = [() => stack.stop()];
  const dataDir = mkdtempSync(path.join(tmpdir(), 'station-chaos-'));
  cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
  try {
    const sql = postgres(stack.dbUrl, { max: 2, onnotice: () => undefined });
    cleanups.push(() => sql.end({ timeout: 1 }));
    const gate: Gate = await startGate(stack.supabaseUrl);
    cleanups.push(() => gate.close());
    const policyFile = path.join(dataDir, 'policy.json');
    mkdirSync(path.join(dataDir, 'station'), { recursive: true });
    writeFileSync(policyFile, '{}');
    const env: NodeJS.ProcessEnv = {
      ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('STATION_'))),
      STATION_SUPABASE_URL: gate.url,
      STATION_SUPABASE_ANON_KEY: stack.anonKey,
      STATION_ID: SEED_DATA.acme.stationId,
      CHAOS_SECRET_KEY: randomBytes(32).toString('hex'),
    };
    const processes = new StationProcesses(path.join(dataDir, 'station'), policyFile, env);
    cleanups.push(() => processes.stopAll());

    let station = await processes.start();
    let page = await Page.connect(station.url, station.origin);
    const mustOk = async (channel: string, input: unknown): Promise<unknown> => {
      const result = await page.invoke(channel, input);
      if (!result.ok) throw new Error(`${channel} failed: ${result.error.code} ${result.error.message}`);
      return result.value;
    };
    // The proctor signs in and the station starts the interview (main takes only sessions it started).
    await mustOk('auth:sign-in', { email: 'proctor@acme.test', password: SEED_PASSWORD });
    const { sessionId } = (await mustOk('interview:start', {
      templateId: SEED_DATA.acme.templateId,
      candidateRef: 'chaos',
      consent: { noticeVersion: '2026-12-v1', acceptedAt: new Date().toISOString() },
    })) as { sessionId: string };
    const script = Array.from({ length: entryCount }, (_, n) => scriptedEntry(sessionId, n));
    const byKey = new Map(script.map((entry) => [transcriptKeyString(entry), entry]));

    const acknowledged = new Set<number>();
    /** Sent and not yet answered (by any page): not re-sent until the answer or the page is gone. */
    const sending = new Set<number>();
    let released = 0;

    const send = (ns: number[]): void => {
      const current = page;
      for (const n of ns) sending.add(n);
      const acknowledge = (n: number, answer: { duplicate?: boolean; error?: { code: string } }) => {
        if (answer.error || answer.duplicate === undefined) {
          log(`[chaos] entry ${n} refused: ${answer.error?.code ?? 'no answer'}`);
          return;
        }
        counts.acknowledgements += 1;
        // Journaled by an earlier station whose answer was lost: the journal must not write it twice.
        if (answer.duplicate) counts.replaysFoundJournaled += 1;
        acknowledged.add(n);
      };
      const done = (result: Result) => {
        for (const n of ns) sending.delete(n);
        if (!result.ok) {
          if (result.error.code !== 'HOST_DISCONNECTED') log(`[chaos] append refused: ${result.error.code} ${result.error.message}`);
          return;
        }
        // A batch answers entry by entry; only an entry answered as appended is acknowledged.
        if (ns.length === 1) acknowledge(ns[0]!, result.value as { duplicate: boolean });
        else (result.value as { results: { duplicate?: boolean; error?: { code: string } }[] }).results.forEach((answer, i) => acknowledge(ns[i]!, answer));
      };
      if (ns.length === 1) void current.invoke('transcript:append', script[ns[0]!]).then(done);
      else void current.invoke('transcript:append-batch', { sessionId, entries: ns.map((n) => script[n]!) }).then(done);
    };
    /** What the page does while the station runs: speaks the released entries and replays unanswered ones. */
    const speak = (): void => {
      const waiting: number[] = [];
      for (let n = 0; n < released; n++) if (!acknowledged.has(n) && !sending.has(n)) waiting.push(n);
      while (waiting.length > 0) {
        const take = random() < 0.3 ? between(random, 2, 5) : 1;
        send(waiting.splice(0, take));
      }
    };

    const rowsNow = async () =>
      sql<{ item_id: string; content_index: number; speaker: string; content: string; timestamp: Date }[]>`
        select item_id, content_index, speaker::text as speaker, content, "timestamp" from public.transcript_entries where session_id = ${sessionId}`;
    /** Postgres: no key twice, nothing not scripted or different from the script. */
    const checkPostgres = async (): Promise<{ rows: number; duplicates: number; strangers: number }> => {
      const rows = await rowsNow();
      const seen = new Set<string>();
      let duplicates = 0;
      let strangers = 0;
      for (const row of rows) {
        const key = transcriptKeyString({ sessionId, itemId: row.item_id, contentIndex: row.content_index });
        if (seen.has(key)) duplicates += 1;
        seen.add(key);
        const scripted = byKey.get(key);
        if (!scripted || scripted.content !== row.content || scripted.speaker !== row.speaker || new Date(scripted.speechStartedAt).getTime() !== row.timestamp.getTime()) {
          strangers += 1;
        }
      }
      return { rows: rows.length, duplicates, strangers };
    };
    const fail = (message: string): never => {
      throw new Error(`${message} (seed ${options.seed}; counts ${JSON.stringify(counts)})`);
    };

    // The chaos: every event at a random moment of a random-length stretch of speaking.
    const events: ('kill' | 'reconnect' | 'cut')[] = [];
    const reconnects = Math.max(20, Math.round(options.kills * 0.3));
    const cuts = Math.max(20, Math.round(options.kills * 0.2));
    for (let i = 0; i < options.kills; i++) events.push('kill');
    for (let i = 0; i < reconnects; i++) events.push('reconnect');
    for (let i = 0; i < cuts; i++) events.push('cut');
    for (let i = events.length - 1; i > 0; i--) {
      const j = between(random, 0, i);
      [events[i], events[j]] = [events[j]!, events[i]!];
    }
    let cutLeft = 0;
    for (const [index, event] of events.entries()) {
      released = Math.min(entryCount, Math.ceil(((index + 1) * entryCount) / events.length));
      speak();
      // Mostly short stretches (the event lands among appends in flight), some long enough to sync.
      const stretch = random() < 0.8 ? between(random, 0, 40) : between(random, 100, 400);
      const deadline = Date.now() + stretch;
      while (Date.now() < deadline) {
        await sleep(Math.min(between(random, 1, 15), Math.max(0, deadline - Date.now())));
        speak();
      }
      if (cutLeft > 0 && --cutLeft === 0) await gate.open();
      if (event === 'kill') {
        if (sending.size > 0) counts.killsMidAppend += 1;
        await processes.kill(station);
        counts.kills += 1;
        page.close();
        station = await processes.start();
        page = await Page.connect(station.url, station.origin);
        // After each restart: the journal holds every acknowledged entry; Postgres no duplicate, no stranger.
        const listed = await page.invoke('transcript:list', { sessionId });
        if (!listed.ok) fail(`transcript:list failed after restart: ${listed.error.code}`);
        const journaled = new Set((listed as { value: { entries: { itemId: string; contentIndex: number }[] } }).value.entries.map((e) => `${e.itemId}/${e.contentIndex}`));
        const missing = [...acknowledged].filter((n) => !journaled.has(`${script[n]!.itemId}/${script[n]!.contentIndex}`));
        counts.journalLosses += missing.length;
        if (missing.length > 0) fail(`after kill ${counts.kills} the journal lacks acknowledged entries ${missing.slice(0, 10).join(', ')}`);
        const pg = await checkPostgres();
        counts.rowsSeenAtKills += pg.rows;
        if (pg.duplicates > 0 || pg.strangers > 0) fail(`after kill ${counts.kills} Postgres holds ${pg.duplicates} duplicates and ${pg.strangers} strangers`);
      } else if (event === 'reconnect') {
        page.close();
        page = await Page.connect(station.url, station.origin);
        counts.reconnects += 1;
      } else {
        // The network stays cut for the next few events (a cut during a cut lengthens it).
        if (cutLeft === 0) await gate.close();
        counts.cuts += 1;
        cutLeft += between(random, 1, 4);
      }
      if (counts.kills > 0 && counts.kills % 25 === 0 && event === 'kill') {
        log(
          `[chaos] ${counts.kills}/${options.kills} kills, ${acknowledged.size}/${entryCount} acknowledged, ${Math.round((Date.now() - started) / 1000)} s ` +
            `(${Math.round(processes.waitedMs / 1000)} s waiting for stations to load and open)`,
        );
      }
    }

    // The network back; the page finishes the interview; the station syncs.
    await gate.open();
    released = entryCount;
    const finishBy = Date.now() + 60_000;
    while (acknowledged.size < entryCount) {
      if (Date.now() > finishBy) fail(`only ${acknowledged.size} of ${entryCount} entries acknowledged at the end`);
      speak();
      await sleep(20);
    }
    const syncBy = Date.now() + 120_000;
    for (;;) {
      const pg = await checkPostgres();
      if (pg.rows >= entryCount || Date.now() > syncBy) break;
      await sleep(100);
    }
    // Let any upload still under way land, then count.
    const status = await page.invoke('sync:status', {});
    await sleep(500);
    const pg = await checkPostgres();
    const rows = await rowsNow();
    const present = new Set(rows.map((row) => transcriptKeyString({ sessionId, itemId: row.item_id, contentIndex: row.content_index })));
    counts.acknowledged = acknowledged.size;
    counts.rows = pg.rows;
    counts.duplicates = pg.duplicates;
    counts.strangers = pg.strangers;
    counts.losses = [...acknowledged].filter((n) => !present.has(transcriptKeyString(script[n]!))).length;
    counts.seconds = Math.round((Date.now() - started) / 100) / 10;
    if (counts.losses > 0) log(`[chaos] final sync status: ${JSON.stringify(status)}`);
    page.close();
    return counts;
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve(cleanup()).catch(() => undefined);
  }
}

export function countsLine(c: ChaosCounts): string {
  return (
    `[chaos] ${c.kills} kills, ${c.reconnects} reconnects, ${c.cuts} cuts, ${c.acknowledged} entries acknowledged ` +
    `(${c.replaysFoundJournaled} of them re-sent after a lost answer and found journaled), ${c.rows} rows, ${c.duplicates} duplicates, ${c.losses} losses, ` +
    `${c.strangers} strangers; ${c.killsMidAppend} kills mid-append, ${c.journalLosses} journal losses after restarts; ${c.seconds} s, seed ${c.seed}`
  );
}
