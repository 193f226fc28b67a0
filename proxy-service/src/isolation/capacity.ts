import { StationFailure } from '@interview-station/contracts';
import { RateLimitedFailure } from '../rateLimit';

/** How many per-session instances may run: in all, and for one tenant. */
export interface InstanceCaps {
  readonly total: number;
  readonly perTenant: number;
}

/** When a refused caller may try again: about when a session typically frees a slot. */
const RETRY_AFTER_SECONDS = 30;

/**
 * Refuses one more instance when the tenant has its share (RATE_LIMITED, 429: that tenant waits,
 * others go on) or the service is full (CAPACITY_EXCEEDED, 503). Both are retryable.
 */
export function assertCapacity(caps: InstanceCaps, running: { readonly total: number; readonly tenant: number }): void {
  if (running.tenant >= caps.perTenant) {
    throw new RateLimitedFailure(RETRY_AFTER_SECONDS, `this tenant already runs ${caps.perTenant} session instances; try again later`);
  }
  if (running.total >= caps.total) throw StationFailure.of('CAPACITY_EXCEEDED', 'the token service runs as many session instances as it may; try again later');
}
