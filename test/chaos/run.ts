/**
 * The chaos test at any size: `npm run chaos -- --kills 1000 [--seed N] [--entries N]`.
 * Starts its own local stack (Postgres, auth, functions). Exits non-zero on any loss, duplicate
 * or stranger row.
 */
import { countsLine, runChaos } from './chaos';

function flag(name: string): number | undefined {
  const at = process.argv.indexOf(name);
  if (at < 0) return undefined;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} takes a whole number`);
  return value;
}

const kills = flag('--kills') ?? 200;
const seed = flag('--seed') ?? Date.now() % 1_000_000;
const entries = flag('--entries');
runChaos({ kills, seed, ...(entries === undefined ? {} : { entries }), log: (line) => process.stdout.write(`${line}\n`) })
  .then((counts) => {
    process.stdout.write(`${countsLine(counts)}\n`);
    const ok = counts.losses === 0 && counts.duplicates === 0 && counts.strangers === 0 && counts.journalLosses === 0 && counts.rows === counts.acknowledged;
    process.exit(ok ? 0 : 1);
  })
  .catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
