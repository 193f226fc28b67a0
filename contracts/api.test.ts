import { describe, expect, expectTypeOf, it } from 'vitest';
import { apiPathOf, createStationApi, type StationApi, type StationTransport } from './api';
import { ok, type Result } from './errors';
import { IPC_CHANNELS, IPC_EVENTS, type AuthState } from './ipc';

function recordingTransport() {
  const calls: { channel: string; input: unknown }[] = [];
  const subscriptions: string[] = [];
  const transport: StationTransport = {
    invoke: async (channel, input) => {
      calls.push({ channel, input });
      return ok({ echoed: channel });
    },
    subscribe: (event) => {
      subscriptions.push(event);
      return () => subscriptions.splice(subscriptions.indexOf(event), 1);
    },
  };
  return { calls, subscriptions, transport };
}

describe('window.station derived from the contract', () => {
  it('names methods domain.verbInCamelCase and events domain.onEvent', () => {
    expect(apiPathOf('auth:sign-in')).toEqual(['auth', 'signIn']);
    expect(apiPathOf('transcript:append')).toEqual(['transcript', 'append']);
    expect(apiPathOf('realtime:sdp-offer')).toEqual(['realtime', 'sdpOffer']);
    expect(apiPathOf('sync:status-changed')).toEqual(['sync', 'onStatusChanged']);
  });

  it('routes each method to its own channel with its input', async () => {
    const { calls, transport } = recordingTransport();
    const station = createStationApi(transport);
    await station.auth.signIn({ email: 'p@example.com', password: 'pw' });
    await station.app.info();
    expect(calls).toEqual([
      { channel: 'auth:sign-in', input: { email: 'p@example.com', password: 'pw' } },
      { channel: 'app:info', input: {} },
    ]);
  });

  it('has exactly one member per channel and event, and no generic invoke', () => {
    const station = createStationApi(recordingTransport().transport) as unknown as Record<string, Record<string, unknown>>;
    const members = Object.entries(station).flatMap(([domain, api]) => Object.keys(api).map((key) => `${domain}.${key}`));
    expect(members.sort()).toEqual([...IPC_CHANNELS, ...IPC_EVENTS].map((name) => apiPathOf(name).join('.')).sort());
    expect(members.some((m) => /invoke|send|ipc/i.test(m))).toBe(false);
    expect(Object.isFrozen(station) && Object.isFrozen(station['auth'])).toBe(true);
  });

  it('subscribes to events and unsubscribes', () => {
    const { subscriptions, transport } = recordingTransport();
    const station = createStationApi(transport);
    const off = station.auth.onStateChanged(() => undefined);
    expect(subscriptions).toEqual(['auth:state-changed']);
    off();
    expect(subscriptions).toEqual([]);
  });

  it('types inputs and outputs from the contract', () => {
    expectTypeOf<StationApi['auth']['signIn']>().parameter(0).toEqualTypeOf<{ email: string; password: string }>();
    expectTypeOf<StationApi['auth']['state']>().returns.resolves.toEqualTypeOf<Result<AuthState>>();
    expectTypeOf<StationApi['auth']['onStateChanged']>().parameter(0).parameter(0).toEqualTypeOf<AuthState>();
  });
});
