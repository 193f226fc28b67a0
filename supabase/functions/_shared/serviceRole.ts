import type { FunctionEnv } from './env.ts';
import { database, type Tx } from './db.ts';

/**
 * The ONLY place the functions act with the service role (which bypasses row-level security).
 * Each export is a narrow operation run after the caller's own transaction has been authorised
 * and committed; nothing here takes caller input other than ids that RLS already let through.
 */
async function asServiceRole<T>(env: FunctionEnv, work: (tx: Tx) => Promise<T>): Promise<T> {
  return (await database(env).begin(async (tx) => {
    await tx`select set_config('request.jwt.claims', '{"role":"service_role"}', true)`;
    await tx`set local role service_role`;
    return work(tx);
  })) as T;
}

/** Records that a station was used (proctors may not update stations; admins manage them). */
export async function touchStation(env: FunctionEnv, stationId: string): Promise<void> {
  await asServiceRole(env, (tx) => tx`update public.stations set last_seen_at = now() where id = ${stationId}`);
}

/**
 * Counts a session's stored transcript entries. RLS shows a proctor only the transcripts of
 * sessions they started; the count reported when ending must be the true total.
 */
export async function countTranscripts(env: FunctionEnv, sessionId: string): Promise<number> {
  const [row] = await asServiceRole(env, (tx) => tx<{ n: number }[]>`select count(*)::int as n from public.transcript_entries where session_id = ${sessionId}`);
  return row?.n ?? 0;
}
