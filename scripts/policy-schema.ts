// `npm run policy-schema`: writes docs/policy.schema.json from the zod schema in contracts/config.ts.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { POLICY_SCHEMA_PATH, policyJsonSchema } from './policySchema';

const target = path.join(__dirname, '..', POLICY_SCHEMA_PATH);
writeFileSync(target, policyJsonSchema());
process.stdout.write(`wrote ${POLICY_SCHEMA_PATH}\n`);
