// The renderer's initial JS, gzip: every script index.html loads before the station can show
// anything (its module script and modulepreloads), from the `npm run build` output (out/renderer).
// A full run builds first, so the figure is this tree's; quick mode measures what is there
// (`npm test` has just built it in CI) and builds only when nothing is.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Bench, type BenchOptions, type Row, judge, round } from '../lib';

const OUT = path.join(import.meta.dirname, '..', '..', 'out', 'renderer');

export const bundle: Bench = {
  name: 'bundle',
  title: 'renderer initial JS, gzip (out/renderer)',
  async run(options: BenchOptions): Promise<Row[]> {
    const index = path.join(OUT, 'index.html');
    if (!options.quick || !existsSync(index)) {
      options.log('bundle: npm run build');
      execFileSync('npm', ['run', '-s', 'build'], { cwd: path.join(OUT, '..', '..'), stdio: ['ignore', 'ignore', 'inherit'] });
    }
    const html = readFileSync(index, 'utf8');
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"|<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)].map((m) => m[1] ?? m[2] ?? '');
    if (scripts.length === 0) throw new Error('index.html loads no script');
    const files = scripts.map((src) => {
      const bytes = readFileSync(path.join(OUT, src));
      // zlib's default level (6), as a web server would send it.
      return { file: src.replace(/^\.\//, ''), bytes: bytes.length, gzip: gzipSync(bytes).length };
    });
    const total = files.reduce((n, f) => n + f.gzip, 0);
    const kb = (n: number) => round(n / 1024, 1);
    return [
      {
        figure: 'renderer initial JS, gzip',
        value: kb(total),
        unit: 'KB',
        stat: 'one build',
        target: '≤ 200 KB',
        met: judge(options, total <= 200 * 1024),
        runs: 1,
        detail: { files: files.map((f) => ({ ...f, bytes: kb(f.bytes), gzip: kb(f.gzip) })), uncompressedKB: kb(files.reduce((n, f) => n + f.bytes, 0)) },
      },
    ];
  },
};
