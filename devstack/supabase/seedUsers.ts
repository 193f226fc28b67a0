/** A user created by `supabase/seed.sql`, as listed in `.devstack/stack.json`. */
export interface SeedUser {
  readonly email: string;
  readonly password: string;
  readonly tenant: string;
  readonly tenantId: string;
  readonly role: 'admin' | 'recruiter' | 'proctor';
}

/** The one development password of every seeded user (see supabase/seed.sql). */
export const SEED_PASSWORD = 'station-dev-password';

/** Ids from supabase/seed.sql that tests and the stack refer to. */
export const SEED = {
  acme: {
    tenantId: 'a0000000-0000-4000-8000-000000000001',
    companyId: 'a0000000-0000-4000-8000-00000000c001',
    stationId: 'a0000000-0000-4000-8000-00000000d001',
    templateId: 'a0000000-0000-4000-8000-00000000e001',
    adminId: 'a0000000-0000-4000-8000-0000000000a1',
    proctorId: 'a0000000-0000-4000-8000-0000000000a2',
    recruiterId: 'a0000000-0000-4000-8000-0000000000a3',
  },
  northwind: {
    tenantId: 'b0000000-0000-4000-8000-000000000001',
    companyId: 'b0000000-0000-4000-8000-00000000c001',
    stationId: 'b0000000-0000-4000-8000-00000000d001',
    templateId: 'b0000000-0000-4000-8000-00000000e001',
    adminId: 'b0000000-0000-4000-8000-0000000000b1',
    proctorId: 'b0000000-0000-4000-8000-0000000000b2',
    recruiterId: 'b0000000-0000-4000-8000-0000000000b3',
  },
} as const;

function usersOf(tenant: string, domain: string, tenantId: string): SeedUser[] {
  return (['admin', 'proctor', 'recruiter'] as const).map((role) => ({
    email: `${role}@${domain}`,
    password: SEED_PASSWORD,
    tenant,
    tenantId,
    role,
  }));
}

export const SEED_USERS: readonly SeedUser[] = [
  ...usersOf('Acme Assessment Centre', 'acme.test', SEED.acme.tenantId),
  ...usersOf('Northwind Testing', 'northwind.test', SEED.northwind.tenantId),
];
