import { StationFailure } from '@interview-station/contracts';
import type { StationHandlers } from '../ipc/router';

/**
 * An interview starts only on a display arrangement the policy allows: `maxDisplays` (1 by default)
 * screens attached, so a second screen cannot show the interview to someone else.
 * Throws the refusal the renderer shows; returns nothing when allowed.
 */
export function requireDisplaysAllowed(displayCount: number, maxDisplays: number): void {
  if (displayCount <= maxDisplays) return;
  throw StationFailure.of(
    'CONFLICT',
    `This station has ${displayCount} displays attached and its policy allows ${maxDisplays}. ` +
      'Disconnect the extra display, then start the interview again.',
  );
}

/**
 * The station's handlers with `interview:start` refused, before it runs, while more displays are
 * attached than the policy allows. `displayCount` is the host's (Electron's `screen`).
 */
export function withDisplayPolicy(handlers: StationHandlers, displayCount: () => number, maxDisplays: number): StationHandlers {
  const start = handlers['interview:start'];
  if (!start) return handlers;
  return {
    ...handlers,
    'interview:start': async (input) => {
      requireDisplaysAllowed(displayCount(), maxDisplays);
      return start(input);
    },
  };
}
