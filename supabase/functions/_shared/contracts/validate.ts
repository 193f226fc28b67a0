// GENERATED from contracts/validate.ts by `npm run supabase:contracts`; do not edit.
import type { z } from 'zod';
import { fail, ok, stationError, type Result } from './errors.ts';

/** Renders a zod issue path (`['entries', 3, 'content']`) as `entries[3].content`. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

function describeIssue(issue: z.core.$ZodIssue): { field: string; message: string } {
  // An unrecognized key is reported on the parent object; name the key itself.
  if (issue.code === 'unrecognized_keys') {
    const field = fieldPath([...issue.path, issue.keys[0] ?? '']);
    return { field, message: `${field}: unknown field` };
  }
  const field = fieldPath(issue.path);
  return { field, message: field === '' ? issue.message : `${field}: ${issue.message}` };
}

/**
 * Validates `input` against a contract schema. Never throws: a mismatch becomes a
 * VALIDATION_FAILED error naming the first offending field.
 */
export function parseContract<S extends z.ZodType>(schema: S, input: unknown, what = 'payload'): Result<z.output<S>> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return ok(parsed.data);
  const first = parsed.error.issues[0];
  if (!first) return fail(stationError('VALIDATION_FAILED', `invalid ${what}`));
  const { field, message } = describeIssue(first);
  return fail(stationError('VALIDATION_FAILED', `invalid ${what}: ${message}`, field === '' ? undefined : field));
}
