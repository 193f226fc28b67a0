import { z } from 'zod';
import { StationConfigSchema } from '@interview-station/contracts';

/** Where the generated JSON Schema of the policy file lives (committed; a test fails on drift). */
export const POLICY_SCHEMA_PATH = 'docs/policy.schema.json';

/**
 * The JSON Schema of `policy.json`, generated from the zod schema the station validates with, so
 * the two are never written twice. Input shape: every key optional, defaults shown.
 */
export function policyJsonSchema(): string {
  const schema = z.toJSONSchema(StationConfigSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify(
    {
      ...schema,
      $id: 'https://interviewstation.invalid/schemas/policy.schema.json',
      title: 'Interview Station managed configuration (policy.json)',
      description:
        'Generated from contracts/config.ts by `npm run policy-schema`; do not edit. Unknown keys are errors: the station stops on a screen naming the file and the key.',
    },
    null,
    2,
  )}\n`;
}
