/**
 * The web host's stand-in for the preload: gives the page the same `window.station`, carried over
 * the web host's WebSocket bridge instead of Electron IPC. Loaded only by the web host.
 */
import {
  BRIDGE_PATH,
  BRIDGE_PROTOCOL,
  BRIDGE_TOKEN_PREFIX,
  BridgeServerMessageSchema,
  createStationApi,
  fail,
  stationError,
  type IpcEvent,
  type Result,
} from '@interview-station/contracts';

const TOKEN_KEY = 'station-bridge-token';

/** The token arrives in the URL fragment once; keep it for reloads and take it out of the address bar. */
function launchToken(): string {
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('token');
  if (fromHash) {
    sessionStorage.setItem(TOKEN_KEY, fromHash);
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? '';
}

const socket = new WebSocket(`ws://${location.host}${BRIDGE_PATH}`, [BRIDGE_PROTOCOL, `${BRIDGE_TOKEN_PREFIX}${launchToken()}`]);
const pending = new Map<number, (result: Result<unknown>) => void>();
const listeners = new Map<IpcEvent, Set<(payload: unknown) => void>>();
const queued: string[] = [];
let nextId = 0;

socket.addEventListener('open', () => {
  for (const message of queued.splice(0)) socket.send(message);
});
socket.addEventListener('message', (event: MessageEvent) => {
  const parsed = BridgeServerMessageSchema.safeParse(JSON.parse(String(event.data)));
  if (!parsed.success) return;
  const message = parsed.data;
  if (message.kind === 'result') {
    pending.get(message.id)?.(message.result as Result<unknown>);
    pending.delete(message.id);
  } else {
    for (const listener of listeners.get(message.event as IpcEvent) ?? []) listener(message.payload);
  }
});
socket.addEventListener('close', () => {
  const lost = fail(stationError('HOST_DISCONNECTED', 'The connection to the station host was lost. Reload the page.'));
  for (const resolve of pending.values()) resolve(lost);
  pending.clear();
});

const station = createStationApi({
  invoke: (channel, input) =>
    new Promise((resolve) => {
      if (socket.readyState === WebSocket.CLOSED || socket.readyState === WebSocket.CLOSING) {
        resolve(fail(stationError('HOST_DISCONNECTED', 'The connection to the station host was lost. Reload the page.')));
        return;
      }
      const id = nextId++;
      pending.set(id, resolve);
      const message = JSON.stringify({ id, channel, input });
      if (socket.readyState === WebSocket.OPEN) socket.send(message);
      else queued.push(message);
    }),
  subscribe: (event, listener) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
});

Object.defineProperty(window, 'station', { value: station, enumerable: true });
