import {
  fail,
  ipcChannels,
  isIpcChannel,
  ok,
  parseContract,
  stationError,
  StationFailure,
  type IpcChannel,
  type IpcInput,
  type IpcOutput,
  type IpcParsedInput,
  type Result,
} from '@interview-station/contracts';
import type { Logger } from '../log';
import type { IpcSender, SenderPolicy } from './senderPolicy';

/** The services behind the channels; a channel without a handler answers NOT_IMPLEMENTED. */
export type StationHandlers = {
  readonly [C in IpcChannel]?: (input: IpcParsedInput<C>) => Promise<IpcOutput<C>>;
};

/**
 * A valid `transcript:append-batch` call and answer, for `primeValidation`: nothing is appended.
 * (The session id is a fixed random UUID; the item id looks like the provider's.)
 */
const APPEND_SAMPLE: { input: IpcInput<'transcript:append-batch'>; output: IpcOutput<'transcript:append-batch'> } = {
  input: {
    sessionId: '0b6f3d52-6c1e-4b8e-9a43-5d2c1f7e8a90',
    entries: [
      { sessionId: '0b6f3d52-6c1e-4b8e-9a43-5d2c1f7e8a90', itemId: 'item_prime', contentIndex: 0, speaker: 'candidate', content: 'sample', speechStartedAt: '2026-01-01T00:00:00.000Z' },
    ],
  },
  output: { results: [{ key: '0b6f3d52-6c1e-4b8e-9a43-5d2c1f7e8a90/item_prime/0', duplicate: false }] },
};

/**
 * The one place every call from the renderer enters main, whichever host carries it (Electron IPC
 * or the web host's bridge): channel known, sender trusted, input valid, then the handler, whose
 * answer is checked against the contract too. Never throws; always answers a `Result`.
 */
export class IpcRouter {
  private inFlight = 0;

  constructor(
    private readonly handlers: StationHandlers,
    private readonly isTrusted: SenderPolicy,
    private readonly log: Logger,
    /**
     * Handler calls that may run at once, whichever host carries them: a renderer firing calls
     * faster than main answers them is refused (RATE_LIMITED) instead of queuing work without bound.
     */
    private readonly maxInFlight = 256,
  ) {}

  /**
   * Runs the validation of `transcript:append-batch` (input and answer) once on a sample, for a
   * host to call while nothing waits: the first parse of a schema costs milliseconds (V8 compiles
   * zod's code paths and regexes on first use), and the first final line of an interview, which
   * waits on that call to be durable, should not pay them. Validates only; no handler runs.
   */
  primeValidation(): void {
    const contract = ipcChannels['transcript:append-batch'];
    const input = parseContract(contract.input, APPEND_SAMPLE.input);
    const output = parseContract(contract.output, APPEND_SAMPLE.output);
    if (!input.ok || !output.ok) this.log.error('the transcript:append-batch sample does not fit its contract', { input: input.ok, output: output.ok });
  }

  async dispatch(channel: unknown, input: unknown, sender: IpcSender): Promise<Result<unknown>> {
    if (this.inFlight >= this.maxInFlight) {
      return fail(stationError('RATE_LIMITED', `at most ${this.maxInFlight} calls may wait for an answer at once`));
    }
    this.inFlight += 1;
    try {
      return await this.route(channel, input, sender);
    } finally {
      this.inFlight -= 1;
    }
  }

  private async route(channel: unknown, input: unknown, sender: IpcSender): Promise<Result<unknown>> {
    if (!isIpcChannel(channel)) {
      return fail(stationError('UNKNOWN_CHANNEL', `unknown channel ${JSON.stringify(String(channel).slice(0, 64))}`));
    }
    if (!this.isTrusted(sender)) {
      this.log.warn('refused a call from an untrusted sender', { channel, senderUrl: sender.url, isMainFrame: sender.isMainFrame });
      return fail(stationError('FORBIDDEN_SENDER', `${channel} refused: the caller is not the station window`));
    }
    const contract = ipcChannels[channel];
    const parsed = parseContract(contract.input, input, `${channel} input`);
    if (!parsed.ok) return parsed;

    const handler = this.handlers[channel] as ((value: unknown) => Promise<unknown>) | undefined;
    if (!handler) return fail(stationError('NOT_IMPLEMENTED', `${channel} is not available in this build yet`));
    try {
      const output = parseContract(contract.output, await handler(parsed.value), `${channel} output`);
      if (!output.ok) {
        this.log.error('handler answered outside its contract', { channel, field: output.error.field });
        return fail(stationError('INTERNAL', `${channel} failed inside the station`));
      }
      return ok(output.value);
    } catch (error) {
      if (error instanceof StationFailure) return fail(error.error);
      this.log.error('handler failed', { channel, error });
      return fail(stationError('INTERNAL', `${channel} failed inside the station`));
    }
  }
}
