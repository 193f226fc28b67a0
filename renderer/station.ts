import type { StationApi } from '@interview-station/contracts';

declare global {
  interface Window {
    /** Provided by the preload (Electron) or the web host's bridge; the same API under both. */
    readonly station: StationApi;
  }
}

export function station(): StationApi {
  return window.station;
}
