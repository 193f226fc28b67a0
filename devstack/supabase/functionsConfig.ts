import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SUPABASE_DIR } from './migrate';

export const CONFIG_TOML = path.join(SUPABASE_DIR, 'config.toml');

/**
 * `verify_jwt` of each `[functions.<name>]` section of supabase/config.toml, as the Supabase CLI
 * deploys it. Only the keys the local gateway needs are read: section headers and
 * `verify_jwt = true|false` lines (comments and other keys ignored). A function not listed gets
 * the platform's default, true.
 */
export function readVerifyJwt(file = CONFIG_TOML): ReadonlyMap<string, boolean> {
  const result = new Map<string, boolean>();
  let current: string | undefined;
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    const section = /^\[([^\]]+)\]$/.exec(line);
    if (section) {
      const fn = /^functions\.([A-Za-z0-9_-]+)$/.exec(section[1] as string);
      current = fn ? (fn[1] as string) : undefined;
      if (current) result.set(current, true);
      continue;
    }
    const setting = /^verify_jwt\s*=\s*(true|false)$/.exec(line);
    if (setting && current) result.set(current, setting[1] === 'true');
    else if (current && /^verify_jwt\b/.test(line)) throw new Error(`${file}: verify_jwt of ${current} must be true or false`);
  }
  return result;
}
