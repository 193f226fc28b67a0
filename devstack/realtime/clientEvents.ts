import { fromZodError } from './openaiErrors';
import { SessionConfigSchema, applySessionConfig, newId } from './session';
import type { RealtimeCall } from './call';

type ClientEvent = { type: string; event_id?: unknown } & Record<string, unknown>;
type Handler = (event: ClientEvent) => void;

/**
 * Routes client events (from `oai-events` or a sideband) by type. A malformed or unsupported event
 * gets an `error` server event, as the real API sends, and changes nothing.
 */
export class ClientEventRouter {
  private readonly handlers = new Map<string, Handler>([
    ['session.update', (e) => this.sessionUpdate(e)],
    ['response.create', (e) => this.responseCreate(e)],
    ['response.cancel', (e) => this.cancel(e, false)],
    ['output_audio_buffer.clear', (e) => this.cancel(e, true)],
    ['conversation.item.create', (e) => this.itemCreate(e)],
  ]);

  constructor(private readonly call: RealtimeCall) {}

  handle(text: string): void {
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      return this.fail(null, 'invalid_json', 'The event is not valid JSON.', null);
    }
    if (typeof event !== 'object' || event === null || Array.isArray(event) || typeof (event as ClientEvent).type !== 'string') {
      return this.fail(null, 'missing_required_parameter', "Missing required parameter: 'type'.", 'type');
    }
    const typed = event as ClientEvent;
    const handler = this.handlers.get(typed.type);
    if (!handler) {
      const supported = [...this.handlers.keys()].map((t) => `'${t}'`).join(', ');
      return this.fail(typed, 'invalid_value', `Invalid value: '${typed.type.slice(0, 100)}'. Supported values are: ${supported}.`, 'type');
    }
    handler(typed);
  }

  private sessionUpdate(event: ClientEvent): void {
    const parsed = SessionConfigSchema.safeParse(event['session']);
    if (!parsed.success) {
      const error = fromZodError(parsed.error, event['session'], 'session');
      return this.fail(event, error.code ?? 'invalid_value', error.message, error.param);
    }
    const voice = parsed.data.audio?.output?.voice;
    if (voice !== undefined && voice !== this.call.session.audio.output.voice && this.call.snapshot().outbound.responses > 0) {
      return this.fail(event, 'cannot_update_voice', 'Cannot update a conversation\'s voice if assistant audio is present.', 'session.audio.output.voice');
    }
    this.call.session = applySessionConfig(this.call.session, parsed.data);
    this.call.reconfigure();
    this.call.emit({ type: 'session.updated', session: this.call.session });
  }

  private responseCreate(event: ClientEvent): void {
    if (this.call.isResponding) {
      return this.fail(event, 'conversation_already_has_active_response', 'Conversation already has an active response in progress.', null);
    }
    this.call.respond();
  }

  private cancel(event: ClientEvent, cleared: boolean): void {
    if (!this.call.speaker.cancel(cleared) && !cleared) {
      this.fail(event, 'response_cancel_not_active', 'Cancellation failed: no active response found.', null);
    }
  }

  private itemCreate(event: ClientEvent): void {
    const raw = event['item'];
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw) || typeof (raw as { type?: unknown }).type !== 'string') {
      return this.fail(event, 'missing_required_parameter', "Missing required parameter: 'item.type'.", 'item.type');
    }
    const item = { id: newId('item'), object: 'realtime.item', status: 'completed', ...(raw as Record<string, unknown>) };
    const previous = this.call.previousItemId;
    this.call.addContextItem(item);
    this.call.setItem(String(item.id));
    this.call.emit({ type: 'conversation.item.added', previous_item_id: previous, item });
    this.call.emit({ type: 'conversation.item.done', previous_item_id: previous, item });
  }

  private fail(event: ClientEvent | null, code: string, message: string, param: string | null): void {
    const eventId = typeof event?.event_id === 'string' ? event.event_id.slice(0, 128) : null;
    this.call.emit({ type: 'error', error: { type: 'invalid_request_error', code, message, param, event_id: eventId } });
  }
}
