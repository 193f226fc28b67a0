import { useReducer } from 'react';
import { connectionReducer, type ConnectionEvent, type ConnectionStatus } from './connectionState';

/** The call's connection status (LiveKit's `useConnectionState` shape), driven by useWebRTC. */
export function useConnectionState(): readonly [ConnectionStatus, (event: ConnectionEvent) => void] {
  return useReducer(connectionReducer, 'idle');
}
