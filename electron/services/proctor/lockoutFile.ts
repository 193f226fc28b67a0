import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** What the PIN lockout remembers across restarts. */
export const LockoutStateSchema = z
  .object({
    failures: z.number().int().min(0),
    lockouts: z.number().int().min(0).max(30),
    lockedUntil: z.number().min(0),
  })
  .strict();
export type LockoutState = z.infer<typeof LockoutStateSchema>;

export interface LockoutStore {
  /** The saved state; a fresh one when there is none. */
  load(): LockoutState;
  save(state: LockoutState): void;
}

/**
 * The lockout in a small JSON file in the station's data folder, written atomically (temp file and
 * rename), so restarting the station does not reset the count of wrong PINs. A file that is there
 * but unreadable counts as a lockout in force (fail closed): a reset must not be one corrupt write away.
 */
export function lockoutFile(file: string, lockoutMs: number, now: () => number = Date.now): LockoutStore {
  return {
    load() {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch {
        return { failures: 0, lockouts: 0, lockedUntil: 0 };
      }
      try {
        return LockoutStateSchema.parse(JSON.parse(text));
      } catch {
        return { failures: 0, lockouts: 1, lockedUntil: now() + lockoutMs };
      }
    },
    save(state) {
      mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(state), { mode: 0o600 });
      renameSync(temp, file);
    },
  };
}
