// station-context: who the signed-in user is in their tenant (role from tenant_members, tenant
// from the signed app_metadata) and the companies and interview templates they may start, all
// read under RLS. The station calls it after sign-in; there is no other way to learn the role.
import { StationContextRequestSchema, type StationContextResponse, type TenantRole } from '../_shared/contracts/edge.ts';
import { asCaller } from '../_shared/db.ts';
import { defineFunction } from '../_shared/handler.ts';
import { HttpError } from '../_shared/http.ts';

const handler = defineFunction({
  name: 'station-context',
  request: StationContextRequestSchema,
  maxBodyBytes: 1024,
  async handle({ caller, env }): Promise<StationContextResponse> {
    const tenantId = caller.tenantId;
    if (!tenantId) throw HttpError.of('NOT_AUTHORIZED', 'your account is not assigned to a tenant');
    return asCaller(env, caller, async (tx) => {
      const [member] = await tx<{ role: TenantRole; email: string; tenant_name: string }[]>`
        select m.role, coalesce(auth.jwt() ->> 'email', '') as email, t.name as tenant_name
        from public.tenant_members m join public.tenants t on t.id = m.tenant_id
        where m.user_id = auth.uid() and m.tenant_id = ${tenantId}`;
      if (!member) throw HttpError.of('NOT_AUTHORIZED', 'you are not a member of this tenant');
      const companies = await tx<{ id: string; name: string }[]>`select id, name from public.companies order by name`;
      const templates = await tx<{ id: string; company_id: string | null; name: string; max_duration_seconds: number }[]>`
        select id, company_id, name, max_duration_seconds from public.interview_templates order by name`;
      return {
        user: { id: caller.userId, email: member.email, role: member.role, tenantId },
        tenantName: member.tenant_name,
        companies: companies.map((c) => ({ id: c.id, name: c.name })),
        templates: templates.map((t) => ({ id: t.id, companyId: t.company_id, name: t.name, maxDurationSeconds: t.max_duration_seconds })),
      };
    });
  },
});

Deno.serve(handler);
