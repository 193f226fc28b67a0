import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StationConfigLayerSchema, StationConfigSchema } from '@interview-station/contracts';
import { describe, expect, it } from 'vitest';
import { POLICY_SCHEMA_PATH, policyJsonSchema } from '../../scripts/policySchema';
import { ROOT } from '../support/paths';

/** The JSON Schema IT validates policy.json with is generated from the zod schema, never written twice. */
describe('policy.json JSON Schema', () => {
  it('is what the zod schema generates today (run "npm run policy-schema" after changing contracts/config.ts)', () => {
    expect(readFileSync(path.join(ROOT, POLICY_SCHEMA_PATH), 'utf8')).toBe(policyJsonSchema());
  });

  it('names every key the station accepts, refuses unknown ones and requires none', () => {
    const schema = JSON.parse(policyJsonSchema()) as { properties: Record<string, unknown>; additionalProperties: boolean; required?: string[] };
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(StationConfigSchema.shape).sort());
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required ?? []).toEqual([]);
  });

  it('carries the update rules the station enforces: "off", or a channel with an https feed', () => {
    const schema = JSON.parse(policyJsonSchema()) as { properties: { updates: unknown } };
    expect(schema.properties.updates).toMatchObject({
      default: 'off',
      anyOf: [{ const: 'off' }, { required: ['channel', 'url'], properties: { url: { pattern: '^https://' } }, additionalProperties: false }],
    });
    expect(StationConfigLayerSchema.safeParse({ updates: { channel: 'stable', url: 'https://updates.example.test/station' } }).success).toBe(true);
    expect(StationConfigLayerSchema.safeParse({ updates: { channel: 'stable', url: 'http://updates.example.test/station' } }).success).toBe(false);
    expect(StationConfigLayerSchema.safeParse({ updates: { channel: 'stable' } }).success).toBe(false);
  });
});
