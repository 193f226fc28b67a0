import { describe, expect, it } from 'vitest';
import { signingPlan } from '../../scripts/signingPlan';

describe('signing from the environment', () => {
  it('an empty environment builds unsigned installers that say so, on every OS', () => {
    for (const platform of ['win32', 'darwin', 'linux'] as const) {
      const plan = signingPlan(platform, {});
      expect(plan.signed).toBe(false);
      expect(plan.lines.join('\n')).toMatch(/^UNSIGNED BUILD/m);
    }
    // macOS: no identity picked from whatever keychain the machine has.
    expect(signingPlan('darwin', {}).args).toEqual(['-c.mac.identity=null', '-c.mac.notarize=false']);
  });

  it('Windows: a certificate file from the environment; its password never on the command line', () => {
    const plan = signingPlan('win32', { CSC_LINK: '/secure/station.pfx', CSC_KEY_PASSWORD: 'p4ss-w0rd-secret' });
    expect(plan).toMatchObject({ signed: true, args: [] });
    expect(JSON.stringify(plan)).not.toContain('p4ss-w0rd-secret');
    expect(signingPlan('win32', { CSC_LINK: '/secure/station.pfx' }).lines.join('\n')).toMatch(/warning: no WIN_CSC_KEY_PASSWORD/);
  });

  it('Windows: Azure Artifact Signing settings become win.azureSignOptions; Entra credentials stay in the environment', () => {
    const env = {
      AZURE_SIGNING_ENDPOINT: 'https://weu.codesigning.azure.net',
      AZURE_SIGNING_ACCOUNT: 'acme-signing',
      AZURE_SIGNING_PROFILE: 'station-public',
      AZURE_SIGNING_PUBLISHER: 'Acme Assessments Ltd',
      AZURE_TENANT_ID: 'tenant',
      AZURE_CLIENT_ID: 'client',
      AZURE_CLIENT_SECRET: 'entra-client-secret-value',
    };
    const plan = signingPlan('win32', env);
    expect(plan.signed).toBe(true);
    expect(plan.args).toEqual([
      '-c.win.azureSignOptions.endpoint=https://weu.codesigning.azure.net',
      '-c.win.azureSignOptions.codeSigningAccountName=acme-signing',
      '-c.win.azureSignOptions.certificateProfileName=station-public',
      '-c.win.azureSignOptions.publisherName=Acme Assessments Ltd',
    ]);
    expect(JSON.stringify(plan)).not.toContain('entra-client-secret-value');
  });

  it('macOS: signed and notarized only with both a certificate and Apple credentials', () => {
    const signedOnly = signingPlan('darwin', { CSC_LINK: '/secure/devid.p12', CSC_KEY_PASSWORD: 'x' });
    expect(signedOnly).toMatchObject({ signed: false, args: ['-c.mac.notarize=false'] });
    expect(signedOnly.lines.join('\n')).toMatch(/^NOT NOTARIZED/m);
    const notarized = signingPlan('darwin', { CSC_LINK: '/secure/devid.p12', APPLE_API_KEY: '/secure/AuthKey.p8', APPLE_API_KEY_ID: 'ABC123', APPLE_API_ISSUER: 'issuer' });
    expect(notarized).toMatchObject({ signed: true, args: ['-c.mac.notarize=true'] });
  });
});
