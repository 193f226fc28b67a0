import { SEED } from '../../../devstack/supabase/seedUsers';
import { userClaims, type Actor } from './database';

/** Rows created (as the superuser) inside every case's transaction, so updates and deletes have a target. */
export const FIXTURE = {
  userId: 'a0000000-0000-4000-8000-0000000000a9',
  /** A second proctor of the owning tenant, who did not start the fixture session. */
  otherProctorId: 'a0000000-0000-4000-8000-0000000000a7',
  companyId: 'a0000000-0000-4000-8000-00000000c002',
  stationId: 'a0000000-0000-4000-8000-00000000d002',
  templateId: 'a0000000-0000-4000-8000-00000000e002',
  sessionId: 'a0000000-0000-4000-8000-00000000f001',
} as const;

const A = SEED.acme;
const N = SEED.northwind;

export const FIXTURE_SQL = `
  insert into auth.users (id, email, aud, role) values ('${FIXTURE.userId}', 'new@acme.test', 'authenticated', 'authenticated');
  insert into auth.users (id, email, aud, role) values ('${FIXTURE.otherProctorId}', 'proctor7@acme.test', 'authenticated', 'authenticated');
  insert into public.tenant_members (tenant_id, user_id, role) values ('${A.tenantId}', '${FIXTURE.otherProctorId}', 'proctor');
  insert into public.companies (id, tenant_id, name) values ('${FIXTURE.companyId}', '${A.tenantId}', 'Fresh Co');
  insert into public.stations (id, tenant_id, name) values ('${FIXTURE.stationId}', '${A.tenantId}', 'Fresh Station');
  insert into public.interview_templates (id, tenant_id, name, instructions) values ('${FIXTURE.templateId}', '${A.tenantId}', 'Fresh', 'Ask.');
  insert into public.interview_sessions (id, tenant_id, company_id, station_id, template_id, created_by, candidate_ref)
    values ('${FIXTURE.sessionId}', '${A.tenantId}', '${A.companyId}', '${A.stationId}', '${A.templateId}', '${A.proctorId}', 'cand-1');
  insert into public.transcript_entries (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, received_at)
    values ('${A.tenantId}', '${FIXTURE.sessionId}', 'item_1', 0, 'candidate', 'hello', now(), 'client', now());
`;

/** Everyone the matrix tries: anon, each role of the owning tenant, each role of the other, and the tricky ones. */
export const ACTORS = {
  anon: { label: 'anon', role: 'anon', claims: { role: 'anon' } },
  acmeAdmin: { label: 'own tenant admin', role: 'authenticated', claims: userClaims(A.adminId, A.tenantId) },
  acmeProctor: { label: 'own tenant proctor', role: 'authenticated', claims: userClaims(A.proctorId, A.tenantId) },
  // Same tenant and role as the proctor who started the fixture session, but not them.
  acmeOtherProctor: { label: 'own tenant proctor who did not start the session', role: 'authenticated', claims: userClaims(FIXTURE.otherProctorId, A.tenantId) },
  acmeRecruiter: { label: 'own tenant recruiter', role: 'authenticated', claims: userClaims(A.recruiterId, A.tenantId) },
  otherAdmin: { label: 'other tenant admin', role: 'authenticated', claims: userClaims(N.adminId, N.tenantId) },
  otherProctor: { label: 'other tenant proctor', role: 'authenticated', claims: userClaims(N.proctorId, N.tenantId) },
  otherRecruiter: { label: 'other tenant recruiter', role: 'authenticated', claims: userClaims(N.recruiterId, N.tenantId) },
  // Edits their own user_metadata to claim the other tenant: must change nothing.
  spoofer: {
    label: 'other tenant proctor claiming own tenant in user_metadata',
    role: 'authenticated',
    claims: userClaims(N.proctorId, N.tenantId, { tenant_id: A.tenantId, role: 'admin' }),
  },
  // A token for the tenant but no membership row: the database must agree with the token.
  nonMember: { label: 'tenant in app_metadata but not a member', role: 'authenticated', claims: userClaims(FIXTURE.userId, A.tenantId) },
  service: { label: 'service role', role: 'service_role', claims: { role: 'service_role' } },
} as const satisfies Record<string, Actor>;

export type ActorName = keyof typeof ACTORS;
export type Operation = 'select' | 'insert' | 'update' | 'delete';

/** One table's statements (each targets the owning tenant's rows) and who may run each. */
export interface TableMatrix {
  readonly table: string;
  readonly sql: Record<Operation, string>;
  readonly allowed: Record<Operation, readonly ActorName[]>;
}

const members: ActorName[] = ['acmeAdmin', 'acmeProctor', 'acmeOtherProctor', 'acmeRecruiter', 'service'];

export const MATRIX: readonly TableMatrix[] = [
  {
    table: 'tenants',
    sql: {
      select: `select id from public.tenants where id = '${A.tenantId}'`,
      insert: `insert into public.tenants (name) values ('New tenant')`,
      update: `update public.tenants set name = 'Renamed' where id = '${A.tenantId}'`,
      delete: `delete from public.tenants where id = '${A.tenantId}'`,
    },
    allowed: { select: members, insert: ['service'], update: ['acmeAdmin', 'service'], delete: ['service'] },
  },
  {
    table: 'companies',
    sql: {
      select: `select id from public.companies where id = '${A.companyId}'`,
      insert: `insert into public.companies (tenant_id, name) values ('${A.tenantId}', 'New Co')`,
      update: `update public.companies set name = 'Renamed' where id = '${FIXTURE.companyId}'`,
      delete: `delete from public.companies where id = '${FIXTURE.companyId}'`,
    },
    allowed: { select: members, insert: ['acmeAdmin', 'service'], update: ['acmeAdmin', 'service'], delete: ['acmeAdmin', 'service'] },
  },
  {
    table: 'tenant_members',
    sql: {
      select: `select user_id from public.tenant_members where tenant_id = '${A.tenantId}' and user_id = '${A.proctorId}'`,
      insert: `insert into public.tenant_members (tenant_id, user_id, role) values ('${A.tenantId}', '${FIXTURE.userId}', 'recruiter')`,
      // A recruiter promoting themselves is exactly what must fail.
      update: `update public.tenant_members set role = 'admin' where tenant_id = '${A.tenantId}' and user_id = '${A.recruiterId}'`,
      delete: `delete from public.tenant_members where tenant_id = '${A.tenantId}' and user_id = '${A.recruiterId}'`,
    },
    allowed: { select: ['acmeAdmin', 'acmeProctor', 'service'], insert: ['acmeAdmin', 'service'], update: ['acmeAdmin', 'service'], delete: ['acmeAdmin', 'service'] },
  },
  {
    table: 'stations',
    sql: {
      select: `select id from public.stations where id = '${A.stationId}'`,
      insert: `insert into public.stations (tenant_id, name) values ('${A.tenantId}', 'New Station')`,
      update: `update public.stations set name = 'Renamed' where id = '${FIXTURE.stationId}'`,
      delete: `delete from public.stations where id = '${FIXTURE.stationId}'`,
    },
    allowed: { select: members, insert: ['acmeAdmin', 'service'], update: ['acmeAdmin', 'service'], delete: ['acmeAdmin', 'service'] },
  },
  {
    table: 'interview_templates',
    sql: {
      select: `select id from public.interview_templates where id = '${A.templateId}'`,
      insert: `insert into public.interview_templates (tenant_id, name, instructions) values ('${A.tenantId}', 'New', 'Ask.')`,
      update: `update public.interview_templates set name = 'Renamed' where id = '${FIXTURE.templateId}'`,
      delete: `delete from public.interview_templates where id = '${FIXTURE.templateId}'`,
    },
    allowed: {
      select: members,
      insert: ['acmeAdmin', 'acmeRecruiter', 'service'],
      update: ['acmeAdmin', 'acmeRecruiter', 'service'],
      delete: ['acmeAdmin', 'service'],
    },
  },
  {
    table: 'interview_sessions',
    sql: {
      select: `select id from public.interview_sessions where id = '${FIXTURE.sessionId}'`,
      insert: `insert into public.interview_sessions (tenant_id, company_id, station_id, template_id, created_by, candidate_ref)
               values ('${A.tenantId}', '${A.companyId}', '${A.stationId}', '${A.templateId}', coalesce(auth.uid(), '${A.proctorId}'), 'cand-2')`,
      update: `update public.interview_sessions set status = 'connecting' where id = '${FIXTURE.sessionId}'`,
      delete: `delete from public.interview_sessions where id = '${FIXTURE.sessionId}'`,
    },
    // Sessions are created only by interview-start (app.create_interview_session), never inserted
    // through the Data API; only the proctor who started one moves it through its statuses.
    allowed: { select: members, insert: ['service'], update: ['acmeProctor', 'service'], delete: ['service'] },
  },
  {
    table: 'transcript_entries',
    sql: {
      select: `select id from public.transcript_entries where session_id = '${FIXTURE.sessionId}'`,
      insert: `insert into public.transcript_entries (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, received_at, created_by)
               values ('${A.tenantId}', '${FIXTURE.sessionId}', 'item_2', 0, 'ai', 'hi', now(), 'client', now(), coalesce(auth.uid(), '${A.proctorId}'))`,
      update: `update public.transcript_entries set content = 'changed' where session_id = '${FIXTURE.sessionId}'`,
      delete: `delete from public.transcript_entries where session_id = '${FIXTURE.sessionId}'`,
    },
    // A proctor reads and writes only the transcripts of sessions they started.
    allowed: { select: ['acmeAdmin', 'acmeProctor', 'acmeRecruiter', 'service'], insert: ['acmeProctor', 'service'], update: ['service'], delete: ['service'] },
  },
  {
    table: 'session_events',
    sql: {
      select: `select id from public.session_events where session_id = '${FIXTURE.sessionId}'`,
      insert: `insert into public.session_events (tenant_id, session_id, event_type, actor)
               values ('${A.tenantId}', '${FIXTURE.sessionId}', 'note.added', coalesce(auth.uid(), '${A.adminId}'))`,
      update: `update public.session_events set data = '{"x":1}' where session_id = '${FIXTURE.sessionId}'`,
      delete: `delete from public.session_events where session_id = '${FIXTURE.sessionId}'`,
    },
    // Append-only: not even the service role updates the audit log.
    allowed: { select: ['acmeAdmin', 'acmeRecruiter', 'service'], insert: ['acmeAdmin', 'acmeProctor', 'service'], update: [], delete: ['service'] },
  },
];
