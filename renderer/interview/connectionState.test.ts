import { describe, expect, it } from 'vitest';
import { connectionLabel, connectionReducer, type ConnectionEvent, type ConnectionStatus } from './connectionState';

const walk = (events: ConnectionEvent['type'][], from: ConnectionStatus = 'idle') =>
  events.reduce<ConnectionStatus[]>((acc, type) => [...acc, connectionReducer(acc.at(-1)!, { type } as ConnectionEvent)], [from]);

describe('connection state', () => {
  it('connects, drops, reconnects and disconnects', () => {
    expect(walk(['connect', 'open', 'lost', 'retry', 'open', 'disconnect', 'closed'])).toEqual([
      'idle', 'connecting', 'connected', 'reconnecting', 'reconnecting', 'connected', 'disconnecting', 'disconnected',
    ]);
  });

  it('ends in error when retries give up, and can start again from there', () => {
    expect(walk(['connect', 'fail', 'connect']).slice(-2)).toEqual(['error', 'connecting']);
  });

  it('ignores events that do not apply', () => {
    expect(connectionReducer('idle', { type: 'open' })).toBe('idle');
    expect(connectionReducer('disconnecting', { type: 'open' })).toBe('disconnecting');
    expect(connectionReducer('connected', { type: 'reset' })).toBe('idle');
  });

  it('labels the states with the words the room shows', () => {
    expect(connectionLabel('connecting')).toBe('Connecting');
    expect(connectionLabel('connected')).toBe('Live');
    expect(connectionLabel('reconnecting')).toBe('Reconnecting');
  });
});
