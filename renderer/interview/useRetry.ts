import { useCallback, useEffect, useMemo, useRef } from 'react';
import { CONNECT_RETRY, withRetry, type RetryDeps, type RetryPolicy } from './retry';

/** What a caller may hook into a retry loop (see RetryDeps). */
export type RetryHooks = Pick<RetryDeps, 'onAttempt' | 'giveUp'>;

export interface RetryControls {
  /** Runs the operation under the policy (3 attempts, exponential backoff with jitter). */
  run<T>(operation: (attempt: number) => Promise<T>, hooks?: RetryHooks): Promise<T>;
  /** Stops any running retry loop (End pressed, unmount); the next `run` starts afresh. */
  cancel(): void;
}

export function useRetry(policy: RetryPolicy = CONNECT_RETRY): RetryControls {
  const generation = useRef(0);
  useEffect(() => () => void (generation.current += 1), []);

  const run = useCallback(
    <T,>(operation: (attempt: number) => Promise<T>, hooks: RetryHooks = {}) => {
      const mine = generation.current;
      return withRetry(operation, policy, {
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        random: Math.random,
        cancelled: () => generation.current !== mine,
        ...hooks,
      });
    },
    [policy],
  );
  const cancel = useCallback(() => void (generation.current += 1), []);
  return useMemo(() => ({ run, cancel }), [run, cancel]);
}
