import { z } from 'zod';

/**
 * Faults the simulator can inject. `refuse-sdp` and `delay-answer` act on `POST /calls`;
 * `drop-peer`, `close-data-channel` and `transcription-failed` act on a call; `expire-key` shortens
 * the life of the next minted keys. A rule applies to the next `calls` calls (or mints), default 1,
 * or to every one with `'all'`.
 */
export const CallFaultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('drop-peer'), afterMs: z.number().int().min(0).max(3_600_000).optional() }),
  z.strictObject({ kind: z.literal('close-data-channel'), afterMs: z.number().int().min(0).max(3_600_000).optional() }),
  z.strictObject({ kind: z.literal('transcription-failed') }),
]);
export type CallFault = z.infer<typeof CallFaultSchema>;

export const FaultSchema = z.discriminatedUnion('kind', [
  ...CallFaultSchema.options,
  z.strictObject({ kind: z.literal('refuse-sdp'), status: z.union([z.literal(500), z.literal(502), z.literal(503)]).optional() }),
  z.strictObject({ kind: z.literal('delay-answer'), ms: z.number().int().min(0).max(120_000) }),
  z.strictObject({ kind: z.literal('expire-key'), afterMs: z.number().int().min(0).max(7_200_000) }),
]);
export type Fault = z.infer<typeof FaultSchema>;

export const FaultRuleSchema = z.strictObject({
  fault: FaultSchema,
  calls: z.union([z.number().int().min(1).max(10_000), z.literal('all')]).optional(),
});
/** A fault for the next `calls` calls (mints, for `expire-key`); default 1. */
export type FaultRule = z.infer<typeof FaultRuleSchema>;

const mintKinds = new Set<Fault['kind']>(['expire-key']);

/** Pending fault rules, consumed in order as calls start and keys are minted. */
export class FaultQueue {
  private rules: { fault: Fault; remaining: number }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ fault: rule.fault, remaining: rule.calls === 'all' ? Infinity : (rule.calls ?? 1) });
  }

  clear(): void {
    this.rules = [];
  }

  /** The faults that apply to this call (or mint), each rule counted down once. */
  take(phase: 'call' | 'mint'): Fault[] {
    const taken: Fault[] = [];
    for (const rule of this.rules) {
      if (mintKinds.has(rule.fault.kind) !== (phase === 'mint')) continue;
      taken.push(rule.fault);
      rule.remaining -= 1;
    }
    this.rules = this.rules.filter((rule) => rule.remaining > 0);
    return taken;
  }

  pending(): readonly FaultRule[] {
    return this.rules.map((r) => ({ fault: r.fault, calls: Number.isFinite(r.remaining) ? r.remaining : 'all' }));
  }
}
