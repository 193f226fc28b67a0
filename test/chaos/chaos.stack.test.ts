// Chaos, with counts (issue 14): see chaos.ts. The CI size; `npm run chaos -- --kills 1000` runs longer.
import { describe, expect, it } from 'vitest';
import { countsLine, runChaos } from './chaos';

const KILLS = Number(process.env['CHAOS_KILLS'] ?? 200);
const SEED = Number(process.env['CHAOS_SEED'] ?? 14);

describe('chaos: kills, reloads and network cuts during an interview', () => {
  it(`keeps every acknowledged entry, exactly once in Postgres, through ${KILLS} SIGKILLs of the station`, async () => {
    const counts = await runChaos({ kills: KILLS, seed: SEED, log: (line) => process.stdout.write(`${line}\n`) });
    process.stdout.write(`${countsLine(counts)}\n`);
    expect(counts.kills).toBe(KILLS);
    expect(counts.kills).toBeGreaterThanOrEqual(200);
    expect(counts.reconnects).toBeGreaterThan(0);
    expect(counts.cuts).toBeGreaterThan(0);
    expect(counts.acknowledged).toBeGreaterThanOrEqual(200);
    // Kills must land among appends in flight, and uploads must run between kills, or this proves little.
    expect(counts.killsMidAppend).toBeGreaterThan(KILLS / 4);
    expect(counts.rowsSeenAtKills).toBeGreaterThan(0);
    expect(counts.journalLosses).toBe(0);
    expect(counts.losses).toBe(0);
    expect(counts.duplicates).toBe(0);
    expect(counts.strangers).toBe(0);
    expect(counts.rows).toBe(counts.acknowledged);
  }, 600_000);
});
