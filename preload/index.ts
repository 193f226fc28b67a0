/**
 * The Electron preload (sandboxed): exposes exactly `window.station`, derived from the IPC
 * contract. No `ipcRenderer`, no generic invoke, nothing else reaches the page.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createStationApi, type Result } from '@interview-station/contracts';

const station = createStationApi({
  invoke: (channel, input) => ipcRenderer.invoke(channel, input) as Promise<Result<unknown>>,
  subscribe: (event, listener) => {
    const forward = (_event: unknown, payload: unknown): void => listener(payload);
    ipcRenderer.on(event, forward);
    return () => {
      ipcRenderer.removeListener(event, forward);
    };
  },
});

contextBridge.exposeInMainWorld('station', station);
