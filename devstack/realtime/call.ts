import type { CallFault, Fault } from './faults';
import type { Logger } from './log';
import { type InboundStats, InboundListener, vadSettingsFor } from './listener';
import { type EventChannel, AnsweringPeer } from './peer';
import type { InterviewScript, RapidTurns } from './script';
import { type RealtimeSession, newId } from './session';
import { ClientEventRouter } from './clientEvents';
import { Speaker } from './speaker';
import { type SpeechBank, shortened } from './speech';
import { describeSpeech } from './vad';

const CONNECT_TIMEOUT_MS = 30_000;
/** Plausible numbers: the simulator meters nothing, but clients may read this event. */
const RATE_LIMITS = [
  { name: 'requests', limit: 10_000, remaining: 9_999, reset_seconds: 0.006 },
  { name: 'tokens', limit: 2_000_000, remaining: 1_999_000, reset_seconds: 0.03 },
];

/** Something that receives a call's server events besides the data channel: a sideband socket. */
export interface EventSink {
  send(text: string): void;
  close(code: number, reason: string): void;
}

export interface CallDependencies {
  readonly id: string;
  readonly session: RealtimeSession;
  readonly script: InterviewScript;
  readonly bank: SpeechBank;
  readonly sessionMaxMs: number;
  readonly faults: readonly Fault[];
  /** How long "transcription" takes after a turn ends; the real service answers after the reply starts. */
  readonly transcriptionDelayMs: number;
  readonly log: Logger;
  readonly onEnded: (call: RealtimeCall) => void;
}

/** What the control endpoint and tests can see of a call: measurements, never content. */
export interface CallSnapshot {
  readonly id: string;
  readonly state: 'connecting' | 'open' | 'ended';
  readonly endReason: string | null;
  readonly inbound: InboundStats;
  readonly outbound: { packets: number; responses: number };
  readonly sidebands: number;
  readonly eventsSent: number;
  /**
   * The earlier conversation the client gave this call (`conversation.item.create` before the
   * interviewer first spoke), role and text of each item, and the script line the call continues
   * from (null when it started from the beginning). Tests use it to tell "continued" from "started over".
   */
  readonly context: { readonly items: readonly { readonly role: string; readonly text: string }[]; readonly resumedAtLine: number | null };
  /** Script lines this call's interviewer spoke, by index, in order. */
  readonly linesSpoken: readonly number[];
}

/** The text of a client-created message item (`input_text`, `output_text`, `text` parts). */
function itemText(item: Record<string, unknown>): string {
  const content = Array.isArray(item['content']) ? (item['content'] as unknown[]) : [];
  return content
    .map((part) => (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string' ? (part as { text: string }).text : ''))
    .join('')
    .trim();
}

const normalise = (text: string) => text.toLowerCase().replace(/[^a-z0-9 ]+/g, '').replace(/\s+/g, ' ').trim();

/**
 * Where a script continues after the interviewer lines it was given: after the last given line
 * that is a script line (or the start of one: a line cut off is stored as heard), else after as
 * many lines as the interviewer had spoken. What the real model does with a conversation handed
 * to it: continue, not start over.
 */
export function resumeLine(scriptLines: readonly string[], interviewerTexts: readonly string[]): number | null {
  if (interviewerTexts.length === 0) return null;
  for (let i = interviewerTexts.length - 1; i >= 0; i -= 1) {
    const given = normalise(interviewerTexts[i] ?? '');
    if (given === '') continue;
    const index = scriptLines.findIndex((line) => {
      const wanted = normalise(line);
      return wanted === given || (given.length >= 8 && wanted.startsWith(given)) || given.startsWith(wanted);
    });
    if (index >= 0) return index + 1;
  }
  return interviewerTexts.length;
}

/**
 * One realtime call: a werift peer answering the client, the `oai-events` channel, the scripted
 * interviewer, the inbound-audio meter with its energy VAD, the session cap, and injected faults.
 */
export class RealtimeCall {
  session: RealtimeSession;
  readonly speaker: Speaker;
  private readonly peer: AnsweringPeer;
  private readonly listener: InboundListener;
  private readonly router: ClientEventRouter;
  private readonly sinks = new Set<EventSink>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private channel: EventChannel | null = null;
  /** Events emitted before the data channel opened, sent right after session.created. */
  private readonly early: string[] = [];
  private state: CallSnapshot['state'] = 'connecting';
  private endReason: string | null = null;
  private lineIndex = 0;
  private lastItemId: string | null = null;
  private turnItemId: string | null = null;
  private failTranscription = false;
  private responding = false;
  private channelClosedByFault = false;
  private readonly outbound = { packets: 0, responses: 0 };
  private eventsSent = 0;
  private readonly contextItems: { role: string; text: string }[] = [];
  private resumedAtLine: number | null = null;
  private readonly linesSpoken: number[] = [];
  /** Faults waiting for the call to connect (see `inject`). */
  private readonly onConnected: (() => void)[] = [];

  constructor(private readonly deps: CallDependencies) {
    this.session = deps.session;
    this.listener = new InboundListener(vadSettingsFor(this.session));
    this.speaker = new Speaker(
      { emit: (e) => this.emit(e), sendAudio: (p, first) => this.sendAudio(p, first), afterResponseDone: () => this.rateLimits() },
      () => this.session.audio.output.voice,
    );
    this.router = new ClientEventRouter(this);
    this.peer = new AnsweringPeer({
      onDataChannel: (channel) => this.adoptChannel(channel),
      onAudioPacket: (payload) => this.onAudio(payload),
      onClosed: (reason) => void this.end(reason),
    });
  }

  get id(): string {
    return this.deps.id;
  }

  async answer(offerSdp: string): Promise<string> {
    const answer = await this.peer.answer(offerSdp);
    for (const fault of this.deps.faults) this.inject(fault);
    this.later(this.deps.sessionMaxMs, () => this.expire());
    // A client that never connects (closed tab, blocked UDP) must not hold a call forever.
    this.later(CONNECT_TIMEOUT_MS, () => {
      if (this.state === 'connecting') void this.end('connect timeout');
    });
    return answer;
  }

  /** Server events, stamped with an `event_id`, to the data channel and every sideband. */
  emit(event: Record<string, unknown>): void {
    if (this.state === 'ended') return;
    const text = JSON.stringify({ event_id: newId('event'), ...event });
    this.eventsSent += 1;
    // Before the data channel opens (the candidate may already be speaking), events wait and follow
    // session.created in order, as a real server's would; none is dropped.
    if (this.state === 'open') this.channel?.send(text);
    else this.early.push(text);
    for (const sink of this.sinks) sink.send(text);
  }

  attachSideband(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  /** A client event from the data channel or a sideband socket. */
  handleClientEvent(text: string): void {
    if (this.state !== 'ended') this.router.handle(text);
  }

  /** Speaks the next line of the script (the last one again once the script is done). */
  respond(): void {
    const lines = this.deps.script.lines;
    const text = lines[Math.min(this.lineIndex, lines.length - 1)];
    if (text === undefined || this.responding) return;
    // Busy from now, not from the first audio frame: synthesising a line can take a moment.
    this.responding = true;
    this.linesSpoken.push(Math.min(this.lineIndex, lines.length - 1));
    this.lineIndex += 1;
    this.outbound.responses += 1;
    void this.deps.bank
      .line(text)
      .then(async (line) => {
        if (this.state === 'ended') return;
        const status = await this.speaker.speak(line, this.lastItemId);
        this.deps.log('response', { call: this.id, status, source: line.source });
      })
      .finally(() => (this.responding = false));
  }

  /** True from `respond()` until the response is done or cancelled. */
  get isResponding(): boolean {
    return this.responding;
  }

  private rateLimits(): void {
    this.emit({ type: 'rate_limits.updated', rate_limits: RATE_LIMITS });
  }

  /**
   * A `conversation.item.create` from the client. Before the interviewer has spoken on this call,
   * a message item is earlier conversation (a new session given the transcript so far): the
   * script continues after the last interviewer line among them, and the greeting is not spoken.
   */
  addContextItem(item: Record<string, unknown>): void {
    if (item['type'] !== 'message' || this.outbound.responses > 0) return;
    const role = typeof item['role'] === 'string' ? item['role'] : 'user';
    this.contextItems.push({ role, text: itemText(item) });
    const resumed = resumeLine(
      this.deps.script.lines,
      this.contextItems.filter((c) => c.role === 'assistant').map((c) => c.text),
    );
    this.resumedAtLine = resumed;
    if (resumed !== null) this.lineIndex = resumed;
  }

  setItem(itemId: string): void {
    this.lastItemId = itemId;
  }

  get previousItemId(): string | null {
    return this.lastItemId;
  }

  /**
   * Applies a call-level fault now, or for `drop-peer` and `close-data-channel`, `afterMs` into the
   * connected call (from the data channel's open: a fault queued before the call exists must not
   * fire before the client has connected, however slowly it does).
   */
  inject(fault: Fault | CallFault): void {
    this.deps.log('fault', { call: this.id, kind: fault.kind });
    if (fault.kind === 'transcription-failed') this.failTranscription = true;
    else if (fault.kind === 'drop-peer') this.whenConnected(() => this.later(fault.afterMs ?? 0, () => void this.end('fault: drop-peer')));
    else if (fault.kind === 'close-data-channel') {
      this.whenConnected(() =>
        this.later(fault.afterMs ?? 0, () => {
          this.channelClosedByFault = true;
          this.channel?.close();
        }),
      );
    }
  }

  /** Runs `run` once the data channel is open (at once if it is). */
  private whenConnected(run: () => void): void {
    if (this.state === 'open') run();
    else if (this.state === 'connecting') this.onConnected.push(run);
  }

  /** Applies the session's turn detection to the energy VAD (after `session.update`). */
  reconfigure(): void {
    this.listener.configure(vadSettingsFor(this.session));
  }

  async end(reason: string): Promise<void> {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.endReason = reason;
    for (const timer of this.timers) clearTimeout(timer);
    this.speaker.dispose();
    for (const sink of this.sinks) sink.close(1000, 'call ended');
    this.sinks.clear();
    this.deps.log('call.ended', { call: this.id, reason });
    this.deps.onEnded(this);
    await this.peer.close(reason);
    this.listener.dispose();
  }

  snapshot(): CallSnapshot {
    return {
      id: this.id,
      state: this.state,
      endReason: this.endReason,
      inbound: { ...this.listener.stats },
      outbound: { ...this.outbound },
      sidebands: this.sinks.size,
      eventsSent: this.eventsSent,
      context: { items: this.contextItems.map((c) => ({ ...c })), resumedAtLine: this.resumedAtLine },
      linesSpoken: [...this.linesSpoken],
    };
  }

  private adoptChannel(channel: EventChannel): void {
    if (channel.label !== 'oai-events' || this.channel) return;
    this.channel = channel;
    channel.onMessage((text) => this.handleClientEvent(text));
    // Chromium's pc.close() aborts SCTP, which werift reports only as the channel closing (no DTLS
    // close, no ICE change for many seconds): treat it as the client leaving, unless we closed it.
    channel.onClose(() => {
      if (!this.channelClosedByFault) void this.end('client closed the connection');
    });
    channel.whenOpen(() => {
      this.state = 'open';
      this.emit({ type: 'session.created', session: this.session });
      for (const text of this.early.splice(0)) channel.send(text);
      for (const run of this.onConnected.splice(0)) run();
      // A short pause lets the client's first session.update land before the interviewer speaks.
      // A call given earlier conversation waits for the candidate or `response.create`, as the model does.
      const rapid = this.deps.script.rapidTurns;
      if (rapid) this.later(rapid.startAfterMs ?? 250, () => void this.runRapidTurns(rapid));
      else if (this.deps.script.openOnConnect !== false) this.later(250, () => this.contextItems.length === 0 && this.respond());
    });
  }

  private sendAudio(payload: Buffer, first: boolean): void {
    this.outbound.packets += 1;
    this.peer.sendAudio(payload, first);
  }

  private onAudio(payload: Buffer): void {
    if (this.state === 'ended') return;
    const event = this.listener.push(payload, this.session.audio.input.turn_detection !== null);
    // Rapid turns make their own candidate turns; the microphone's are only metered meanwhile.
    if (this.deps.script.rapidTurns) return;
    if (event?.type === 'start') {
      this.turnItemId = newId('item');
      this.emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: Math.round(event.audioStartMs), item_id: this.turnItemId });
    } else if (event?.type === 'stop' && this.turnItemId) {
      this.endTurn(this.turnItemId, event.audioEndMs, event.speechMs);
      this.turnItemId = null;
    }
  }

  /** The script's RapidTurns: short interviewer lines and text-only candidate turns, back to back. */
  private async runRapidTurns(rapid: RapidTurns): Promise<void> {
    const lines = this.deps.script.lines;
    const gap = () => new Promise((resolve) => setTimeout(resolve, rapid.gapMs ?? 20));
    const speechMs = rapid.candidateSpeechMs ?? 1000;
    const opened = Date.now();
    for (let pair = 0; pair < rapid.pairs && this.state === 'open'; pair++) {
      const text = lines[pair % lines.length];
      if (text === undefined) return;
      this.linesSpoken.push(pair % lines.length);
      this.outbound.responses += 1;
      const line = shortened(await this.deps.bank.line(text), rapid.lineAudioMs ?? 100);
      await this.speaker.speak(line, this.lastItemId);
      await gap();
      if (this.state !== 'open') return;
      const itemId = newId('item');
      const startMs = Date.now() - opened;
      this.emit({ type: 'input_audio_buffer.speech_started', audio_start_ms: startMs, item_id: itemId });
      this.endTurn(itemId, startMs + speechMs, speechMs, false);
      await gap();
    }
  }

  private endTurn(itemId: string, audioEndMs: number, speechMs: number, respond = true): void {
    const previous = this.lastItemId;
    this.lastItemId = itemId;
    const item = { id: itemId, type: 'message', object: 'realtime.item', status: 'completed', role: 'user', content: [{ type: 'input_audio', transcript: null }] };
    this.emit({ type: 'input_audio_buffer.speech_stopped', audio_end_ms: Math.round(audioEndMs), item_id: itemId });
    this.emit({ type: 'input_audio_buffer.committed', previous_item_id: previous, item_id: itemId });
    this.emit({ type: 'conversation.item.added', previous_item_id: previous, item });
    this.emit({ type: 'conversation.item.done', previous_item_id: previous, item });
    if (this.session.audio.input.transcription) {
      this.later(this.deps.transcriptionDelayMs, () => this.transcribe(itemId, speechMs));
    }
    const td = this.session.audio.input.turn_detection;
    if (respond && td?.create_response !== false) this.respond();
  }

  private transcribe(itemId: string, speechMs: number): void {
    if (this.failTranscription) {
      this.emit({
        type: 'conversation.item.input_audio_transcription.failed',
        item_id: itemId,
        content_index: 0,
        error: { type: 'transcription_error', code: 'audio_unintelligible', message: 'The audio could not be transcribed (injected fault).', param: null },
      });
      return;
    }
    // No speech recogniser here: the transcript says what was heard, not what was said.
    this.emit({
      type: 'conversation.item.input_audio_transcription.completed',
      item_id: itemId,
      content_index: 0,
      transcript: describeSpeech(speechMs),
      usage: { type: 'duration', seconds: Math.round(speechMs / 100) / 10 },
    });
  }

  private expire(): void {
    const minutes = this.deps.sessionMaxMs / 60_000;
    const limit = minutes >= 1 ? `${Math.round(minutes)} minutes` : `${Math.round(this.deps.sessionMaxMs / 1000)} seconds`;
    this.emit({
      type: 'error',
      error: { type: 'invalid_request_error', code: 'session_expired', message: `Your session hit the maximum duration of ${limit}.`, param: null, event_id: null },
    });
    // Let the error reach the client before the connection goes.
    this.later(200, () => void this.end('session_expired'));
  }

  private later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, ms);
    this.timers.add(timer);
  }
}
