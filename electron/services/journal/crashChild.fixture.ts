/**
 * Test fixture for the crash test: appends entries to a journal as fast as it can, four appends
 * in flight at a time, and prints `ack <n>` for each one the journal acknowledged as durable.
 * The test SIGKILLs this process at a random moment.
 *
 *   node --import tsx crashChild.fixture.ts <dir> <sessionId>
 */
import { JournalStore } from './journalStore';
import { crashTestEntry } from './crashTestEntry';

async function main(dir: string, sessionId: string): Promise<void> {
  const journal = await new JournalStore(dir).session(sessionId);
  let next = 0;
  const appender = async (): Promise<never> => {
    for (;;) {
      const n = next++;
      await journal.append(crashTestEntry(sessionId, n));
      process.stdout.write(`ack ${n}\n`);
    }
  };
  process.stdout.write('ready\n');
  await Promise.all([appender(), appender(), appender(), appender()]);
}

const [dir, sessionId] = process.argv.slice(2);
if (!dir || !sessionId) throw new Error('usage: crashChild.fixture.ts <dir> <sessionId>');
void main(dir, sessionId);
