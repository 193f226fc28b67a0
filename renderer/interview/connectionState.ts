/**
 * The connection's own state, as the room shows it (the seed's ConnectionStatus values, shaped like
 * LiveKit's `useConnectionState`). Kept apart from the interview reducer: a connection can drop and
 * come back many times within one interview.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'connected' | 'disconnecting' | 'disconnected' | 'error' | 'reconnecting';

export type ConnectionEvent =
  | { readonly type: 'connect' }
  | { readonly type: 'open' }
  | { readonly type: 'lost' }
  | { readonly type: 'retry' }
  | { readonly type: 'fail' }
  | { readonly type: 'disconnect' }
  | { readonly type: 'closed' }
  | { readonly type: 'reset' };

const transitions: Record<ConnectionStatus, Partial<Record<ConnectionEvent['type'], ConnectionStatus>>> = {
  idle: { connect: 'connecting' },
  connecting: { open: 'connected', fail: 'error', retry: 'connecting', disconnect: 'disconnecting', lost: 'reconnecting' },
  connected: { lost: 'reconnecting', disconnect: 'disconnecting', fail: 'error' },
  reconnecting: { open: 'connected', retry: 'reconnecting', fail: 'error', disconnect: 'disconnecting' },
  disconnecting: { closed: 'disconnected' },
  disconnected: { connect: 'connecting', reset: 'idle' },
  error: { connect: 'connecting', reset: 'idle', disconnect: 'disconnected' },
};

/** Pure: an event that makes no sense in the current status is ignored, never thrown. */
export function connectionReducer(status: ConnectionStatus, event: ConnectionEvent): ConnectionStatus {
  if (event.type === 'reset') return 'idle';
  return transitions[status][event.type] ?? status;
}

/** The word the room's status line shows; the brief names "Connecting", "Live", "Reconnecting". */
export function connectionLabel(status: ConnectionStatus): string {
  switch (status) {
    case 'idle':
    case 'connecting':
      return 'Connecting';
    case 'connected':
      return 'Live';
    case 'reconnecting':
      return 'Reconnecting';
    case 'disconnecting':
      return 'Ending';
    case 'disconnected':
      return 'Disconnected';
    case 'error':
      return 'Connection failed';
  }
}
