// `npm run bench`: every performance figure beside its bare baseline, measured in the same run, in
// one table; a full run writes bench/results/latest.json (figures, machine, versions, date).
// `npm run bench -- --quick`: a short smoke run for CI that checks every figure still runs and
// produces numbers; it never judges timings. Neither it nor --only writes a results file unless --out is given.
//   npm run bench -- [--quick] [--only mint,journal] [--runs N] [--out file.json] [--list]
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Bench, BenchOptions, Row } from './lib';
import { bundle } from './figures/bundle';
import { coldStart } from './figures/coldStart';
import { fleet } from './figures/fleet';
import { idleSockets } from './figures/idleSockets';
import { interview } from './figures/interview';
import { journal } from './figures/journal';
import { memory } from './figures/memory';
import { mint } from './figures/mint';
import { startBurst } from './figures/startBurst';
import { sync } from './figures/sync';
import { stopBenchStack } from './stack';

/** In the order the table shows them. */
export const BENCHES: readonly Bench[] = [interview, memory, mint, idleSockets, journal, sync, startBurst, bundle, coldStart, fleet];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    runs: { type: 'string' },
    out: { type: 'string' },
    list: { type: 'boolean', default: false },
  },
});

function fmt(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  return Math.abs(value) >= 100 ? Math.round(value).toLocaleString('en-US') : String(value);
}

export function table(rows: readonly Row[]): string {
  const lines = [
    '| figure | measured | p95 | baseline (same run) | ratio | target | met | runs |',
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const r of rows) {
    const measured = r.value === null ? (r.note ?? 'not measured') : `${fmt(r.value)} ${r.unit}${r.stat && r.stat !== 'median' ? ` (${r.stat})` : ''}`;
    const baseline = r.baseline === undefined || r.baseline === null ? '–' : `${fmt(r.baseline)} ${r.unit}${r.baselineLabel ? ` (${r.baselineLabel})` : ''}`;
    const met = r.met === true ? 'yes' : r.met === false ? '**no**' : '–';
    lines.push(`| ${r.figure} | ${measured} | ${r.p95 === undefined || r.p95 === null ? '–' : fmt(r.p95)} | ${baseline} | ${r.ratio === undefined || r.ratio === null ? '–' : `${r.ratio}×`} | ${r.target ?? '–'} | ${met} | ${r.runs} |`);
  }
  const notes = rows.filter((r) => r.value !== null && r.note).map((r) => `- ${r.figure}: ${r.note}`);
  return [...lines, ...(notes.length ? ['', ...notes] : [])].join('\n');
}

function versionOf(command: string, args: string[]): string | null {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim().split('\n')[0] ?? null;
  } catch {
    return null;
  }
}

async function main(): Promise<void> {
  if (values.list) {
    for (const bench of BENCHES) console.log(`${bench.name.padEnd(14)} ${bench.title}`);
    return;
  }
  const only = values.only?.split(',').map((s) => s.trim());
  const unknown = only?.filter((name) => !BENCHES.some((b) => b.name === name)) ?? [];
  if (unknown.length) throw new Error(`unknown figure(s): ${unknown.join(', ')} (see --list)`);
  const options: BenchOptions = {
    quick: values.quick ?? false,
    ...(values.runs ? { runs: Number(values.runs) } : {}),
    log: (line) => process.stderr.write(`  ${line}\n`),
  };
  const started = performance.now();
  const rows: Row[] = [];
  const failures: string[] = [];
  const timings: Record<string, number> = {};
  for (const bench of BENCHES.filter((b) => !only || only.includes(b.name))) {
    process.stderr.write(`bench ${bench.name}: ${bench.title}\n`);
    const t = performance.now();
    try {
      rows.push(...(await bench.run(options)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      failures.push(`${bench.name}: ${message}`);
      rows.push({ figure: bench.title, value: null, unit: '', runs: 0, note: `failed: ${message.split('\n')[0]}` });
      process.stderr.write(`${error instanceof Error ? (error.stack ?? message) : message}\n`);
    }
    timings[bench.name] = Math.round((performance.now() - t) / 100) / 10;
    process.stderr.write(`bench ${bench.name}: ${timings[bench.name]} s\n`);
  }
  await stopBenchStack();
  const seconds = Math.round((performance.now() - started) / 100) / 10;
  const text = table(rows);
  console.log(`\n${text}\n\n${options.quick ? 'quick (smoke) run: timings not judged' : 'full run'}; ${seconds} s`);
  // A figure that was measured in quick mode must have produced a number.
  if (options.quick) {
    for (const r of rows) if (r.value === null && !r.note?.startsWith('not measured')) failures.push(`${r.figure}: no number`);
  }
  // Only a full run of every figure replaces latest.json (the README's table); a part run writes only with --out.
  const out = values.out ?? (options.quick || values.only ? null : path.join(import.meta.dirname, 'results', 'latest.json'));
  if (out) {
    mkdirSync(path.dirname(out), { recursive: true });
    const cpus = os.cpus();
    const result = {
      date: new Date().toISOString(),
      mode: options.quick ? 'quick' : 'full',
      seconds,
      secondsPerFigure: timings,
      machine: { platform: `${os.type()} ${os.release()}`, arch: os.arch(), cpus: cpus.length, cpuModel: cpus[0]?.model ?? null, memoryGB: Math.round(os.totalmem() / 2 ** 30) },
      versions: { node: process.version, chromium: versionOf(process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', ['--version']), postgres: null, commit: versionOf('git', ['rev-parse', '--short', 'HEAD']) },
      rows,
      table: text,
      failures,
    };
    writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  }
  if (failures.length) {
    console.error(`\n${failures.length} figure(s) failed:\n${failures.map((f) => `  ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
