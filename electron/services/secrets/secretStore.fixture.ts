/**
 * Test fixture: opens the station's secret store the way main does and performs one action,
 * printing a JSON line. Run by secrets.test.ts inside or outside a D-Bus session.
 *
 *   node --import tsx secretStore.fixture.ts <dir> <set|get|delete> [value] [--cipher KEYHEX]
 */
import { silentLogger } from '../../log';
import { chooseSecretStore } from './chooseSecretStore';
import { standInSafeStorage } from './testCipher';

async function main(argv: string[]): Promise<void> {
  const [dir, action, value] = argv;
  const cipherAt = argv.indexOf('--cipher');
  const cipher = cipherAt >= 0 ? standInSafeStorage(Buffer.from(argv[cipherAt + 1] ?? '', 'hex')) : undefined;
  if (!dir || !action) throw new Error('usage: secretStore.fixture.ts <dir> <set|get|delete> [value] [--cipher KEYHEX]');
  const { store, fallbackReasons } = await chooseSecretStore({ service: 'Interview Station (test)', dir, cipher, log: silentLogger });
  let result: string | null = null;
  if (action === 'set') await store.set('supabase-session', value ?? '');
  else if (action === 'delete') await store.delete('supabase-session');
  else result = await store.get('supabase-session');
  process.stdout.write(`${JSON.stringify({ kind: store.kind, result, fallbackReasons })}\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
