import type { Result } from './errors';
import { IPC_CHANNELS, IPC_EVENTS, type IpcChannel, type IpcEvent, type IpcEventPayload, type IpcInput, type IpcOutput } from './ipc';

/**
 * The shape of `window.station`, derived from the IPC contract: channel `auth:sign-in` becomes
 * `station.auth.signIn(input)`, event `sync:status-changed` becomes
 * `station.sync.onStatusChanged(listener)` returning an unsubscribe function.
 */

type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;
type DomainOf<N extends string> = N extends `${infer D}:${string}` ? D : never;
type NameOf<N extends string> = N extends `${string}:${infer V}` ? V : never;

export type StationDomain = DomainOf<IpcChannel> | DomainOf<IpcEvent>;

/** A channel whose input has no required field may be called without an argument. */
export type StationMethod<C extends IpcChannel> = Record<never, never> extends IpcInput<C>
  ? (input?: IpcInput<C>) => Promise<Result<IpcOutput<C>>>
  : (input: IpcInput<C>) => Promise<Result<IpcOutput<C>>>;

export type StationListener<E extends IpcEvent> = (payload: IpcEventPayload<E>) => void;
export type Unsubscribe = () => void;

export type StationApi = {
  readonly [D in StationDomain]: {
    readonly [C in IpcChannel as DomainOf<C> extends D ? CamelCase<NameOf<C>> : never]: StationMethod<C>;
  } & {
    readonly [E in IpcEvent as DomainOf<E> extends D ? `on${Capitalize<CamelCase<NameOf<E>>>}` : never]: (
      listener: StationListener<E>,
    ) => Unsubscribe;
  };
};

/** How a host moves calls and events; the preload uses IPC, the web host's bridge a WebSocket. */
export interface StationTransport {
  invoke(channel: IpcChannel, input: unknown): Promise<Result<unknown>>;
  subscribe(event: IpcEvent, listener: (payload: unknown) => void): Unsubscribe;
}

export function camelCase(name: string): string {
  return name.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());
}

function splitName(name: string): [domain: string, rest: string] {
  const at = name.indexOf(':');
  return [name.slice(0, at), name.slice(at + 1)];
}

/** Where each channel and event lands in `window.station`, e.g. `auth:sign-in` → `['auth', 'signIn']`. */
export function apiPathOf(name: IpcChannel | IpcEvent): [domain: string, member: string] {
  const [domain, rest] = splitName(name);
  const member = camelCase(rest);
  return (IPC_EVENTS as string[]).includes(name) ? [domain, `on${member[0]?.toUpperCase() ?? ''}${member.slice(1)}`] : [domain, member];
}

/** Builds the `window.station` object over a transport. Only the contract's channels exist on it. */
export function createStationApi(transport: StationTransport): StationApi {
  const api: Record<string, Record<string, unknown>> = {};
  const member = (name: IpcChannel | IpcEvent, fn: unknown): void => {
    const [domain, key] = apiPathOf(name);
    (api[domain] ??= {})[key] = fn;
  };
  for (const channel of IPC_CHANNELS) {
    member(channel, (input?: unknown) => transport.invoke(channel, input ?? {}));
  }
  for (const event of IPC_EVENTS) {
    member(event, (listener: (payload: unknown) => void) => transport.subscribe(event, listener));
  }
  for (const domain of Object.values(api)) Object.freeze(domain);
  return Object.freeze(api) as unknown as StationApi;
}
