import type { TranscriptEntry, TranscriptSource } from '../_shared/contracts/transcript.ts';
import { fieldOfDatabaseError, isInputError, type Tx } from '../_shared/db.ts';
import { HttpError } from '../_shared/http.ts';

/** One entry as the insert reads it from `jsonb_to_recordset`. */
interface Row {
  item_id: string;
  content_index: number;
  speaker: string;
  content: string;
  ts: string;
  source: TranscriptSource;
  confidence: number | null;
  received_at: string;
}

/** Where a batch goes: the session (already checked), and who writes it. */
export interface Target {
  readonly tenantId: string;
  readonly sessionId: string;
  readonly userId: string;
}

/** The rows of a batch; `source` is the function's decision, never the entries' own field. */
export function toRows(entries: readonly TranscriptEntry[], source: TranscriptSource): Row[] {
  return entries.map((e) => ({
    item_id: e.itemId,
    content_index: e.contentIndex,
    speaker: e.speaker,
    content: e.content,
    ts: e.speechStartedAt,
    source,
    confidence: e.confidence ?? null,
    received_at: e.receivedAt,
  }));
}

async function insert(tx: Tx, target: Target, rows: Row[]): Promise<number> {
  // No conflict target on purpose: with one, Postgres requires the caller to be able to SELECT
  // the existing row. The only unique key a client-supplied row can hit is
  // (session_id, item_id, content_index).
  const result = await tx`
    insert into public.transcript_entries
      (tenant_id, session_id, item_id, content_index, speaker, content, "timestamp", source, confidence, received_at, created_by)
    select ${target.tenantId}, ${target.sessionId}, r.item_id, r.content_index, r.speaker::public.transcript_speaker,
           r.content, r.ts, r.source::public.transcript_source, r.confidence, r.received_at, ${target.userId}
    from jsonb_to_recordset(${tx.json(rows as never)}) as r(
      item_id text, content_index int, speaker text, content text, ts timestamptz,
      source text, confidence real, received_at timestamptz)
    on conflict do nothing`;
  return result.count;
}

const PROBE_DONE = Symbol('probe rolled back');
const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Which field of a row the database refused: the one its error names, or whose value it quotes. */
function fieldOf(error: unknown, row: Row): string {
  const named = fieldOfDatabaseError(error);
  if (named) return named;
  const message = String((error as { message?: unknown }).message ?? '');
  if (message.includes(`"${row.ts}"`)) return 'speechStartedAt';
  if (message.includes(`"${row.received_at}"`)) return 'receivedAt';
  if (row.content.includes('\u0000') || UNPAIRED_SURROGATE.test(row.content)) return 'content';
  return '';
}

/**
 * Stores a batch idempotently; returns how many entries were new. When Postgres refuses a value
 * (see `isInputError`), each entry is tried alone (and rolled back) to find the first one refused,
 * and the answer is a 400 naming it (`entries[i].content`): retrying that batch can never succeed,
 * and the client must be able to set that entry aside rather than retry everything forever.
 */
export async function storeEntries(tx: Tx, target: Target, rows: Row[]): Promise<number> {
  try {
    return await tx.savepoint((sp) => insert(sp, target, rows));
  } catch (error) {
    if (!isInputError(error)) throw error;
    for (const [index, row] of rows.entries()) {
      try {
        await tx.savepoint(async (sp) => {
          await insert(sp, target, [row]);
          throw PROBE_DONE;
        });
      } catch (probe) {
        if (probe === PROBE_DONE || !isInputError(probe)) continue;
        const field = fieldOf(probe, row);
        const path = `entries[${index}]${field ? `.${field}` : ''}`;
        throw HttpError.of('VALIDATION_FAILED', `${path}: the database cannot store this value`, path);
      }
    }
    throw error;
  }
}
