// `npm run hash-pin`: reads a proctor PIN on standard input and prints the scrypt hash to put in
// the policy file as "proctorPinHash". The PIN never appears in the shell history or the file.
//   read -rs PIN && printf '%s' "$PIN" | npm run -s hash-pin
import { hashPin } from '../electron/services/proctor/pin';

async function main(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const pin = Buffer.concat(chunks).toString('utf8').trim();
  if (!/^\d{4,12}$/.test(pin)) throw new Error('the PIN must be 4 to 12 digits');
  process.stdout.write(`${await hashPin(pin)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`hash-pin: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
