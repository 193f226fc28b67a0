import {
  edgeFunctionUrl,
  StationContextResponseSchema,
  StationFailure,
  type InterviewTemplateOption,
  type StationContextResponse,
} from '@interview-station/contracts';
import { postJson } from '../http/postJson';

/** `station-context` with the user's token: who they are, their tenant's companies and templates. */
export function fetchStationContext(supabaseUrl: string, anonKey: string, userToken: string): Promise<StationContextResponse> {
  return postJson(
    edgeFunctionUrl(supabaseUrl, 'station-context'),
    {},
    { authorization: `Bearer ${userToken}`, apikey: anonKey },
    StationContextResponseSchema,
    'UPSTREAM_UNAVAILABLE',
  );
}

/**
 * The check-in's choices: each template with its company's name when it belongs to one. Only a
 * proctor starts interviews (interview-start refuses others), so anyone else may start none.
 */
export function templateOptions(context: StationContextResponse): InterviewTemplateOption[] {
  if (context.user.role !== 'proctor') return [];
  const companies = new Map(context.companies.map((c) => [c.id, c.name]));
  return context.templates.map(({ id, name, companyId, maxDurationSeconds }) => {
    const companyName = companyId ? companies.get(companyId) : undefined;
    return { id, name, companyId, maxDurationSeconds, ...(companyName ? { companyName } : {}) };
  });
}

/** A template bound to a company says which; otherwise the tenant must have exactly one company. */
export function companyOf(context: StationContextResponse, templateId: string): string {
  const template = context.templates.find((t) => t.id === templateId);
  if (!template) throw StationFailure.of('VALIDATION_FAILED', 'templateId: no such interview template in your tenant', 'templateId');
  if (template.companyId) return template.companyId;
  const [only, ...others] = context.companies;
  if (only && others.length === 0) return only.id;
  throw StationFailure.of('VALIDATION_FAILED', 'companyId: choose the company this interview is for', 'companyId');
}
