import { ipcEvents, type IpcEvent, type IpcEventPayload, type Unsubscribe } from '@interview-station/contracts';

export type EventSink = (event: IpcEvent, payload: unknown) => void;

/**
 * Events main pushes to the renderer. Services emit; each host forwards to its windows or bridge
 * clients. A payload outside its contract is a bug in main and throws at the emitter.
 */
export class StationEvents {
  private readonly sinks = new Set<EventSink>();

  emit<E extends IpcEvent>(event: E, payload: IpcEventPayload<E>): void {
    const checked = ipcEvents[event].parse(payload);
    for (const sink of this.sinks) sink(event, checked);
  }

  /** One event's payloads, typed: how services in main listen to each other's events. */
  on<E extends IpcEvent>(event: E, listener: (payload: IpcEventPayload<E>) => void): Unsubscribe {
    return this.subscribe((name, payload) => {
      if (name === event) listener(payload as IpcEventPayload<E>);
    });
  }

  subscribe(sink: EventSink): Unsubscribe {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }
}
