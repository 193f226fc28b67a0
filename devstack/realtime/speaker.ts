import { FRAME_MS } from './opus';
import { newId } from './session';
import type { VoiceLine } from './speech';

/** Where a response goes: events to the client and the sideband, audio to the peer. */
export interface SpeakerOutput {
  emit(event: Record<string, unknown>): void;
  sendAudio(payload: Buffer, first: boolean): void;
  /** Called between `response.done` and `output_audio_buffer.stopped` (the real server sends `rate_limits.updated` there). */
  afterResponseDone(): void;
}

interface ActiveResponse {
  readonly responseId: string;
  readonly itemId: string;
  readonly line: VoiceLine;
  readonly words: string[];
  readonly done: (status: 'completed' | 'cancelled') => void;
  timer: NodeJS.Timeout | null;
  frame: number;
  wordsSent: number;
}

const ref = (r: ActiveResponse) => ({ response_id: r.responseId, item_id: r.itemId, output_index: 0, content_index: 0 });

/**
 * Speaks one line as a GA Realtime response: the response and item events, the audio paced in
 * real time (20 ms frames), transcript deltas released in step with the audio, then the `.done`
 * events and `output_audio_buffer.stopped`. One response at a time, like the real server.
 */
export class Speaker {
  private active: ActiveResponse | null = null;

  constructor(
    private readonly out: SpeakerOutput,
    private readonly voice: () => string,
  ) {}

  /** Resolves when the line has been spoken or the response was cancelled. */
  speak(line: VoiceLine, previousItemId: string | null): Promise<'completed' | 'cancelled'> {
    if (this.active) return Promise.resolve('cancelled');
    return new Promise((done) => {
      const r: ActiveResponse = {
        responseId: newId('resp'),
        itemId: newId('item'),
        line,
        words: line.text.split(/(?<=\s)/),
        done,
        timer: null,
        frame: 0,
        wordsSent: 0,
      };
      this.active = r;
      const item = { id: r.itemId, type: 'message', object: 'realtime.item', status: 'in_progress', role: 'assistant', content: [] };
      this.out.emit({ type: 'response.created', response: this.response(r, 'in_progress', []) });
      this.out.emit({ type: 'response.output_item.added', response_id: r.responseId, output_index: 0, item });
      this.out.emit({ type: 'conversation.item.added', previous_item_id: previousItemId, item });
      this.out.emit({ type: 'response.content_part.added', ...ref(r), part: { type: 'audio', transcript: '' } });
      this.out.emit({ type: 'output_audio_buffer.started', response_id: r.responseId });
      const start = Date.now();
      const tick = () => {
        const packet = r.line.packets[r.frame];
        if (packet === undefined) return this.finish(r, 'completed');
        this.out.sendAudio(packet, r.frame === 0);
        r.frame += 1;
        this.releaseWords(r);
        // Schedule against the start time so timer drift does not stretch the audio.
        r.timer = setTimeout(tick, Math.max(0, start + r.frame * FRAME_MS - Date.now()));
      };
      tick();
    });
  }

  /** `response.cancel` or `output_audio_buffer.clear`: stop speaking now. */
  cancel(cleared: boolean): boolean {
    const r = this.active;
    if (!r) return false;
    if (cleared) this.out.emit({ type: 'output_audio_buffer.cleared', response_id: r.responseId });
    this.finish(r, 'cancelled');
    return true;
  }

  dispose(): void {
    const r = this.active;
    if (r?.timer) clearTimeout(r.timer);
    this.active = null;
    r?.done('cancelled');
  }

  private releaseWords(r: ActiveResponse): void {
    const due = Math.ceil((r.frame / r.line.packets.length) * r.words.length);
    while (r.wordsSent < due) {
      this.out.emit({ type: 'response.output_audio_transcript.delta', ...ref(r), delta: r.words[r.wordsSent] });
      r.wordsSent += 1;
    }
  }

  private finish(r: ActiveResponse, status: 'completed' | 'cancelled'): void {
    if (r.timer) clearTimeout(r.timer);
    this.active = null;
    // A cancelled response reports only the words the candidate actually heard.
    const transcript = r.words.slice(0, r.wordsSent).join('');
    const part = { type: 'audio', transcript };
    const item = { id: r.itemId, type: 'message', object: 'realtime.item', status: status === 'completed' ? 'completed' : 'incomplete', role: 'assistant', content: [{ type: 'output_audio', transcript }] };
    this.out.emit({ type: 'response.output_audio.done', ...ref(r) });
    this.out.emit({ type: 'response.output_audio_transcript.done', ...ref(r), transcript });
    this.out.emit({ type: 'response.content_part.done', ...ref(r), part });
    this.out.emit({ type: 'response.output_item.done', response_id: r.responseId, output_index: 0, item });
    this.out.emit({ type: 'conversation.item.done', item });
    this.out.emit({ type: 'response.done', response: this.response(r, status, [item]) });
    this.out.afterResponseDone();
    this.out.emit({ type: 'output_audio_buffer.stopped', response_id: r.responseId });
    r.done(status);
  }

  private response(r: ActiveResponse, status: string, output: unknown[]) {
    return {
      object: 'realtime.response',
      id: r.responseId,
      status,
      status_details: status === 'cancelled' ? { type: 'cancelled', reason: 'client_cancelled' } : null,
      output,
      conversation_id: null,
      output_modalities: ['audio'],
      max_output_tokens: 'inf',
      audio: { output: { format: { type: 'audio/pcm', rate: 24000 }, voice: this.voice() } },
      usage: status === 'in_progress' ? null : { total_tokens: 0, input_tokens: 0, output_tokens: 0 },
      metadata: null,
    };
  }
}
