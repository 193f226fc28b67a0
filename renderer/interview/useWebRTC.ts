import { useCallback, useEffect, useRef } from 'react';
import { stationError, type StationError } from '@interview-station/contracts';
import type { CallSetup } from './callSetup';
import type { ConnectionStatus } from './connectionState';
import { openRealtimeCall, type RealtimeCall } from './peerConnection';
import { sleepUnlessOnline, waitForNetwork } from './networkWatch';
import { isOutage, toStationError } from './retry';
import { useConnectionState } from './useConnectionState';
import { useRetry } from './useRetry';

export interface WebRTCOptions {
  /** Build or keep the call while true; close it when false (ending, ended). */
  readonly active: boolean;
  readonly stream: MediaStream | null;
  readonly audioElement: HTMLAudioElement | null;
  /** Per attempt: the mode's ICE servers and SDP exchange (useSDPProxy or useOpenAIConnection). */
  readonly prepare: () => Promise<CallSetup>;
  readonly onEvent: (event: unknown) => void;
  /**
   * The call's data channel opened; `reconnected` when it replaces a dropped call, `rolledOver`
   * when it replaces a call the station closed itself before the provider's session cap.
   */
  readonly onOpen: (call: RealtimeCall, reconnected: boolean, rolledOver: boolean) => void;
  readonly onLost: (error: StationError) => void;
  readonly onAttempt: (attempt: number) => void;
  /** Every attempt failed (or one failed in a way retrying cannot fix). */
  readonly onFailed: (error: StationError) => void;
  /**
   * Whether a network failure pauses the interview instead of failing it (it has been live). Then
   * an attempt that fails while `networkUp` says no gives up at once, the interview pauses
   * (`onPaused`), and when `networkUp` says yes again (`onNetworkReturned`) a new call is made with
   * the context, as after a drop.
   */
  readonly canPause: boolean;
  /** Whether a new call can be made now (main's view of its services); may reject. */
  readonly networkUp: () => Promise<boolean>;
  readonly onPaused: (error: StationError) => void;
  readonly onNetworkReturned: () => void;
}

/**
 * Orchestrates one interview's calls: connect with retries while `active`, rebuild after a drop
 * (useRetry again), pause while the network is gone and rebuild when it returns, close when no
 * longer active. The imperative peer code is in peerConnection.ts.
 */
export function useWebRTC(options: WebRTCOptions): {
  readonly status: ConnectionStatus;
  send(event: Record<string, unknown>): boolean;
  /** Close the open call and move to a new realtime session (before the provider's cap); false if no call is open. */
  rollover(): boolean;
} {
  const [status, dispatch] = useConnectionState();
  const retry = useRetry();
  const call = useRef<RealtimeCall | null>(null);
  const rolloverNow = useRef<(() => boolean) | null>(null);
  const latest = useRef(options);
  useEffect(() => {
    latest.current = options;
  });

  const ready = options.active && options.stream !== null && options.audioElement !== null;
  useEffect(() => {
    if (!ready) return;
    let disposed = false;
    const connect = (reconnecting: boolean, rolledOver = false) => {
      const { stream, audioElement } = latest.current;
      if (!stream || !audioElement || disposed) return;
      dispatch({ type: reconnecting || rolledOver ? 'lost' : 'connect' });
      void retry
        .run(
          async () => {
            const setup = await latest.current.prepare();
            return openRealtimeCall({
              stream,
              audioElement,
              iceServers: setup.iceServers,
              exchangeSdp: setup.exchangeSdp,
              onEvent: (event) => latest.current.onEvent(event),
              onStateChange: (state) => {
                if (state !== 'lost' || disposed) return;
                call.current = null;
                latest.current.onLost(stationError('WEBRTC_CONNECTION_FAILED', 'The call dropped.'));
                connect(true);
              },
            });
          },
          {
            onAttempt: (attempt) => {
              if (attempt > 1) dispatch({ type: 'retry' });
              latest.current.onAttempt(attempt);
            },
            // The network is known to be gone: the other attempts could only fail; pause now.
            giveUp: async (error) => latest.current.canPause && isOutage(error) && !(await networkUp()),
          },
        )
        .then(
          (opened) => {
            if (disposed) return opened.close();
            call.current = opened;
            dispatch({ type: 'open' });
            latest.current.onOpen(opened, reconnecting, rolledOver);
          },
          (error: unknown) => {
            if (disposed) return;
            const failure = toStationError(error);
            if (latest.current.canPause && isOutage(failure)) return pauseUntilNetwork(failure);
            dispatch({ type: 'fail' });
            latest.current.onFailed(failure);
          },
        );
    };
    const networkUp = () => latest.current.networkUp().catch(() => false);
    const pauseUntilNetwork = (failure: StationError) => {
      latest.current.onPaused(failure);
      void waitForNetwork({ probe: networkUp, sleep: (ms) => sleepUnlessOnline(ms, window), random: Math.random, cancelled: () => disposed }).then((back) => {
        if (!back || disposed) return;
        latest.current.onNetworkReturned();
        connect(true);
      });
    };
    connect(false);
    rolloverNow.current = () => {
      const open = call.current;
      if (!open || disposed) return false;
      // Closed by us: not a drop (no onLost, the room stays "Live"); the next call gets the context.
      call.current = null;
      open.close();
      connect(false, true);
      return true;
    };
    return () => {
      disposed = true;
      rolloverNow.current = null;
      retry.cancel();
      dispatch({ type: 'disconnect' });
      call.current?.close();
      call.current = null;
      dispatch({ type: 'closed' });
    };
  }, [ready, retry, dispatch]);

  const send = useCallback((event: Record<string, unknown>) => call.current?.send(event) ?? false, []);
  const rollover = useCallback(() => rolloverNow.current?.() ?? false, []);
  return { status, send, rollover };
}
