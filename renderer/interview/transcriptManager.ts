import { parseRealtimeEvent, REALTIME_EVENT, transcriptKeyString, type Speaker, type TranscriptEntryInput } from '@interview-station/contracts';
import { parseExtraEvent, responseIdOf } from './realtimeExtras';
import { CUT_OFF_MARK, GAP_TEXT, heardText, storableText, UNFINISHED_TEXT } from './transcriptText';

/**
 * Turns `oai-events` into the live transcript and into final entries to store. Deterministic and
 * free of I/O: events and the current time go in, lines and ready entries come out.
 *
 * Rules (DESIGN.md "Transcripts: never lose one", issue 10):
 * - Deltas only feed the live view. Finals become entries keyed (sessionId, itemId, contentIndex),
 *   exactly as the sideband keys them: candidate `...input_audio_transcription.completed`,
 *   interviewer `response.output_audio_transcript.done` (and the beta `response.audio_transcript.done`).
 * - Speech start, by which entries are ordered: a candidate item starts at
 *   `input_audio_buffer.speech_started.audio_start_ms` counted from the call's audio epoch, the
 *   moment the call opened (the input buffer starts with the media; audio_start_ms restarts with
 *   every call), but never later than the event's arrival. Without a known opening, the epoch is
 *   the first speech_started's arrival − its audio_start_ms. An interviewer item starts when its response's audio starts
 *   (`output_audio_buffer.started`, matched by response_id), else when its first text arrives.
 * - An interviewer final is held until its audio has finished (`output_audio_buffer.stopped`) or
 *   been cut (`conversation.item.truncated`, then stored as heard: see transcriptText.heardText),
 *   because the `done` text arrives before the audio has played. After `output_audio_buffer.cleared`
 *   it waits TRUNCATION_WAIT_MS for the truncation, and never longer than MAX_HOLD_MS in all.
 * - A failed candidate transcription is a marked gap entry (GAP_TEXT). A completed one with no
 *   words (VAD triggered by noise) is not stored.
 */

export const TRUNCATION_WAIT_MS = 1_000;
export const MAX_HOLD_MS = 120_000;

export type LineStatus = 'partial' | 'final' | 'gap' | 'cut';

/** One utterance in the live view. */
export interface TranscriptLine {
  readonly key: string;
  readonly speaker: Speaker;
  readonly text: string;
  readonly status: LineStatus;
  /** Epoch ms; lines are ordered by this. */
  readonly startedAt: number;
}

interface MutableLine {
  key: string;
  itemId: string;
  contentIndex: number;
  speaker: Speaker;
  text: string;
  status: LineStatus;
  startedAt: number;
  seq: number;
  responseId: string | null;
}

interface Held {
  readonly line: MutableLine;
  readonly text: string;
  releaseAt: number;
}

export class TranscriptManager {
  private readonly byKey = new Map<string, MutableLine>();
  private readonly itemStarts = new Map<string, number>();
  private readonly responseStarts = new Map<string, number>();
  private readonly stoppedResponses = new Set<string>();
  private readonly truncations = new Map<string, number>();
  private readonly held = new Map<string, Held>();
  private readonly stored = new Set<string>();
  private outbox: TranscriptEntryInput[] = [];
  private audioEpoch: number | null = null;
  private seq = 0;
  private speaking = false;
  /** Bumped on every change, so a hook can re-render cheaply. */
  version = 0;

  constructor(private readonly sessionId: string) {}

  /** A new realtime call opened at `now`: its audio clock starts here. */
  callStarted(now: number): void {
    this.closeOpenLines();
    this.audioEpoch = now;
    this.speaking = false;
    this.version += 1;
  }

  get interviewerSpeaking(): boolean {
    return this.speaking;
  }

  /** Feeds one raw data-channel message; `now` is the arrival time (epoch ms). */
  handle(raw: unknown, now: number): void {
    const extra = parseExtraEvent(raw);
    if (extra?.type === 'conversation.item.truncated') return this.truncated(extra.item_id, extra.content_index, extra.audio_end_ms);
    if (extra?.type === 'output_audio_buffer.cleared') return this.audioEnded(extra.response_id ?? null, now, true);
    const parsed = parseRealtimeEvent(raw);
    if (parsed.kind !== 'event') return;
    const event = parsed.event;
    switch (event.type) {
      case REALTIME_EVENT.speechStarted: {
        this.audioEpoch ??= now - event.audio_start_ms;
        this.itemStarts.set(event.item_id, Math.min(now, this.audioEpoch + event.audio_start_ms));
        this.line('candidate', event.item_id, 0, now, null);
        break;
      }
      case REALTIME_EVENT.inputTranscriptDelta:
        this.appendDelta(this.line('candidate', event.item_id, event.content_index, now, null), event.delta);
        break;
      case REALTIME_EVENT.inputTranscriptCompleted: {
        const line = this.line('candidate', event.item_id, event.content_index, now, null);
        if (event.transcript.trim() === '') {
          this.byKey.delete(line.key);
          break;
        }
        this.finish(line, event.transcript.trim(), 'final');
        this.queue(line, line.text);
        break;
      }
      case REALTIME_EVENT.inputTranscriptFailed: {
        const line = this.line('candidate', event.item_id, event.content_index, now, null);
        this.finish(line, GAP_TEXT, 'gap');
        this.queue(line, GAP_TEXT);
        break;
      }
      case REALTIME_EVENT.outputTranscriptDelta:
      case REALTIME_EVENT.outputTranscriptDeltaBeta:
        this.appendDelta(this.line('ai', event.item_id, event.content_index, now, event.response_id), event.delta);
        break;
      case REALTIME_EVENT.outputTranscriptDone:
      case REALTIME_EVENT.outputTranscriptDoneBeta:
        this.interviewerDone(this.line('ai', event.item_id, event.content_index, now, event.response_id), event.transcript.trim(), now);
        break;
      case REALTIME_EVENT.outputAudioStarted: {
        this.speaking = true;
        const responseId = responseIdOf(event);
        if (responseId) {
          this.responseStarts.set(responseId, now);
          for (const line of this.byKey.values()) if (line.responseId === responseId && line.status === 'partial') line.startedAt = now;
        }
        this.version += 1;
        break;
      }
      case REALTIME_EVENT.outputAudioStopped:
        this.audioEnded(responseIdOf(event), now, false);
        break;
      default:
        break;
    }
  }

  /** Releases held interviewer entries whose wait is over. Call it on a timer. */
  tick(now: number): void {
    for (const [key, held] of this.held) if (held.releaseAt <= now) this.release(key, held);
  }

  /** The call is over: everything held is stored as it stands (truncation applied if known). */
  flush(): void {
    for (const [key, held] of this.held) this.release(key, held);
    this.closeOpenLines();
  }

  /**
   * Lines whose final never came because their call ended. Shown as such, but not stored: the
   * sideband may still deliver the real final under the same key, and the first entry for a key
   * wins in the journal.
   */
  private closeOpenLines(): void {
    for (const line of this.byKey.values()) {
      if (line.status !== 'partial') continue;
      if (line.speaker === 'ai' && line.text === '') this.byKey.delete(line.key);
      else if (line.speaker === 'ai') this.finish(line, `${line.text.trim()}${CUT_OFF_MARK}`, 'cut');
      else this.finish(line, UNFINISHED_TEXT, 'gap');
    }
    this.version += 1;
  }

  /**
   * The interview was restored after a crash or restart: what the journal already holds becomes
   * the start of the live view and of the context a new call is given. Never stored again.
   */
  restore(lines: readonly TranscriptLine[]): void {
    for (const line of lines) {
      if (this.byKey.has(line.key)) continue;
      this.stored.add(line.key);
      this.byKey.set(line.key, { key: line.key, itemId: '', contentIndex: 0, speaker: line.speaker, text: line.text, status: line.status, startedAt: line.startedAt, seq: this.seq++, responseId: null });
    }
    this.version += 1;
  }

  /** Entries ready to append, in speech order; each is handed out once. */
  takeReady(): TranscriptEntryInput[] {
    const ready = this.outbox.sort((a, b) => Date.parse(a.speechStartedAt) - Date.parse(b.speechStartedAt));
    this.outbox = [];
    return ready;
  }

  /** The live view, ordered by speech start (then arrival). */
  lines(): TranscriptLine[] {
    return [...this.byKey.values()]
      .filter((line) => line.text !== '' || line.status !== 'partial' || line.speaker === 'candidate')
      .sort((a, b) => a.startedAt - b.startedAt || a.seq - b.seq)
      .map(({ key, speaker, text, status, startedAt }) => ({ key, speaker, text, status, startedAt }));
  }

  /** Finals stored so far (for giving a new call the conversation as text). */
  finals(): TranscriptLine[] {
    return this.lines().filter((line) => line.status !== 'partial');
  }

  private line(speaker: Speaker, itemId: string, contentIndex: number, now: number, responseId: string | null): MutableLine {
    const key = transcriptKeyString({ sessionId: this.sessionId, itemId, contentIndex });
    let line = this.byKey.get(key);
    if (!line) {
      const start = this.itemStarts.get(itemId) ?? (responseId ? this.responseStarts.get(responseId) : undefined) ?? now;
      line = { key, itemId, contentIndex, speaker, text: '', status: 'partial', startedAt: start, seq: this.seq++, responseId };
      this.byKey.set(key, line);
    } else if (speaker === 'candidate' && this.itemStarts.has(itemId)) {
      line.startedAt = this.itemStarts.get(itemId)!;
    }
    line.responseId ??= responseId;
    this.version += 1;
    return line;
  }

  private appendDelta(line: MutableLine, delta: string): void {
    if (line.status === 'partial') line.text += delta;
  }

  private finish(line: MutableLine, text: string, status: LineStatus): void {
    line.text = text;
    line.status = status;
  }

  private interviewerDone(line: MutableLine, text: string, now: number): void {
    const cutAt = this.truncations.get(line.key);
    this.finish(line, cutAt === undefined ? text : heardText(text, cutAt), cutAt === undefined ? 'final' : 'cut');
    const finished = cutAt !== undefined || (line.responseId !== null && this.stoppedResponses.has(line.responseId));
    const held: Held = { line, text, releaseAt: finished ? now : now + MAX_HOLD_MS };
    this.held.set(line.key, held);
    if (finished) this.release(line.key, held);
  }

  private truncated(itemId: string, contentIndex: number, audioEndMs: number): void {
    const key = transcriptKeyString({ sessionId: this.sessionId, itemId, contentIndex });
    this.truncations.set(key, audioEndMs);
    const line = this.byKey.get(key);
    const held = this.held.get(key);
    if (held) {
      this.finish(held.line, heardText(held.text, audioEndMs), 'cut');
      this.release(key, held);
    } else if (line && line.status === 'partial') {
      // The text is still arriving; its `done` applies the cut. The view shows the cut at once.
      line.text = heardText(line.text, audioEndMs);
    }
    this.version += 1;
  }

  private audioEnded(responseId: string | null, now: number, cleared: boolean): void {
    this.speaking = false;
    if (responseId) this.stoppedResponses.add(responseId);
    for (const [key, held] of this.held) {
      if (responseId !== null && held.line.responseId !== responseId) continue;
      if (cleared) held.releaseAt = Math.min(held.releaseAt, now + TRUNCATION_WAIT_MS);
      else this.release(key, held);
    }
    this.version += 1;
  }

  private release(key: string, held: Held): void {
    this.held.delete(key);
    this.queue(held.line, held.line.text);
  }

  private queue(line: MutableLine, content: string): void {
    if (this.stored.has(line.key)) return;
    this.stored.add(line.key);
    this.outbox.push({
      sessionId: this.sessionId,
      itemId: line.itemId,
      contentIndex: line.contentIndex,
      speaker: line.speaker,
      content: storableText(content),
      speechStartedAt: new Date(line.startedAt).toISOString(),
    });
    this.version += 1;
  }
}
