import type postgres from 'postgres';

/** How often the local stack closes sessions past their maximum plus grace (hosted: pg_cron, every 5 minutes). */
export const STALE_SESSIONS_INTERVAL_MS = 60_000;

/**
 * The local stand-in for the hosted pg_cron job (README, deployment): runs
 * `app.close_stale_sessions()` now and then every `intervalMs`, one run at a time, so no session
 * row stays open past its template's maximum duration plus the grace period.
 */
export function startStaleSessionCloser(
  sql: postgres.Sql,
  options: { intervalMs?: number; onClosed?: (count: number) => void; onError?: (error: unknown) => void } = {},
): { runNow(): Promise<number>; stop(): Promise<void> } {
  let running: Promise<number> | null = null;
  const runNow = (): Promise<number> => {
    running ??= sql<{ closed: number }[]>`select app.close_stale_sessions() as closed`
      .then(([row]) => {
        const closed = row?.closed ?? 0;
        if (closed > 0) options.onClosed?.(closed);
        return closed;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const tick = () => void runNow().catch((error: unknown) => options.onError?.(error));
  tick();
  const timer = setInterval(tick, options.intervalMs ?? STALE_SESSIONS_INTERVAL_MS);
  timer.unref();
  return {
    runNow,
    stop: async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    },
  };
}
