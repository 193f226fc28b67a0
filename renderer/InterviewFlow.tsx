import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { PublicConfig } from '@interview-station/contracts';
import { CheckIn } from './CheckIn';
import { DeviceCheck } from './DeviceCheck';
import { EndScreen } from './EndScreen';
import { InterviewRoom } from './InterviewRoom';
import { LocalInterviews } from './LocalInterviews';
import type { RoomPause } from './PausedNotice';
import { RestoredInterview, useRestorableInterview } from './RestoredInterview';
import type { InterviewState } from './interview/interviewMachine';
import type { MicrophoneChange } from './interview/microphoneFallback';
import type { InterviewPorts, ServiceChecks } from './interview/ports';
import { useInterview, type InterviewControls } from './interview/useInterview';
import { useInterviewRoom } from './interview/useInterviewRoom';
import { useMicrophone, type MicrophoneControls } from './interview/useMicrophone';
import { useRoomWarnings } from './interview/useRoomWarnings';

type Running = Extract<InterviewState, { status: 'connecting' | 'live' | 'reconnecting' | 'paused' | 'ending' }>;

/**
 * Station home → check-in → device check → room → end, for a signed-in proctor or recruiter. Owns
 * the microphone from the device check to the end (the same stream goes into the call) and the
 * `<audio>` element the interviewer plays through.
 */
export function InterviewFlow({ ports, config, home }: { ports: InterviewPorts; config: PublicConfig; home: ReactNode }) {
  const interview = useInterview(ports);
  const [checkingIn, setCheckingIn] = useState(false);
  const [listing, setListing] = useState(false);
  const [audioElement, setAudioElement] = useState<HTMLAudioElement | null>(null);
  const { state } = interview;
  const usesMic = state.status !== 'idle' && state.status !== 'ended' && state.status !== 'failed';
  const { checks: services, recheck } = useServiceChecks(ports, state.status === 'deviceCheck');
  // An interview a crash, restart or reload interrupted comes back here, from this machine's copy.
  const { restorable, dismiss } = useRestorableInterview(ports, state.status === 'idle');

  return (
    <>
      {/* Chromium's echo canceller covers audio played from the peer connection through an element like this. */}
      <audio ref={setAudioElement} autoPlay hidden />
      {state.status === 'idle' &&
        (restorable ? (
          <RestoredInterview ports={ports} interview={restorable} onContinue={(history) => (dismiss(), interview.resume(restorable, history))} onDone={dismiss} />
        ) : listing ? (
          <LocalInterviews ports={ports} onBack={() => setListing(false)} />
        ) : checkingIn ? (
          <CheckIn ports={ports} onBack={() => setCheckingIn(false)} onContinue={(c) => (setCheckingIn(false), interview.checkIn(c))} />
        ) : (
          <section className="screen home" aria-label="Station home">
            {home}
            <button type="button" className="primary-large" onClick={() => setCheckingIn(true)}>
              New interview
            </button>
            <button type="button" className="secondary" onClick={() => setListing(true)}>
              Interviews on this station
            </button>
          </section>
        ))}
      {usesMic && <WithMicrophone config={config} interview={interview} ports={ports} audioElement={audioElement} services={services} onRecheck={recheck} />}
      {(state.status === 'ended' || state.status === 'failed') && (
        <EndScreen
          ports={ports}
          sessionId={state.sessionId}
          reason={state.status === 'ended' ? state.reason : null}
          endError={state.status === 'ended' ? state.endError : null}
          failure={state.status === 'failed' ? state.error : null}
          onDone={interview.reset}
        />
      )}
    </>
  );
}

/** Mounted from the device check to the end, so the microphone stays open across those screens. */
function WithMicrophone(props: {
  config: PublicConfig;
  interview: InterviewControls;
  ports: InterviewPorts;
  audioElement: HTMLAudioElement | null;
  services: ServiceChecks | null;
  onRecheck(): void;
}) {
  const { config, interview, ports, audioElement, services } = props;
  const mic = useMicrophone(config.allowedMicrophones);
  const { state } = interview;
  if (state.status === 'deviceCheck') {
    return (
      <DeviceCheck
        mic={mic}
        session={state.session}
        services={services}
        keyMinted={interview.keyMinted}
        onStart={interview.start}
        onRetrySession={interview.retrySession}
        onRecheck={props.onRecheck}
        onCancel={interview.cancel}
      />
    );
  }
  if (state.status === 'starting') {
    return (
      <section className="screen room" aria-label="Interview room">
        <p role="status">Connecting: preparing the interview…</p>
        <button type="button" className="secondary" onClick={interview.cancel}>
          Cancel
        </button>
      </section>
    );
  }
  if (state.status === 'connecting' || state.status === 'live' || state.status === 'reconnecting' || state.status === 'paused' || state.status === 'ending') {
    return <Room key={state.session.sessionId} state={state} {...{ ports, interview, mic, audioElement }} maxInterviewMinutes={config.maxInterviewMinutes} realtimeSessionMaxSeconds={config.realtimeSessionMaxSeconds ?? null} />;
  }
  return null;
}

function Room(props: { state: Running; ports: InterviewPorts; interview: InterviewControls; mic: MicrophoneControls; audioElement: HTMLAudioElement | null; maxInterviewMinutes: number; realtimeSessionMaxSeconds: number | null }) {
  const { state, ports, interview, mic, audioElement } = props;
  const room = useInterviewRoom(ports, interview, state, mic.stream, audioElement, props.maxInterviewMinutes, props.realtimeSessionMaxSeconds);
  const warnings = useRoomWarnings(ports, state.session.sessionId, room.transcript.lines, mic.change);
  const notices = [room.providerNotice && `The AI service reported: ${room.providerNotice}`, describeNotice(interview.notice), ...warnings].filter((n): n is string => Boolean(n));
  return (
    <InterviewRoom
      status={state.status}
      connection={room.connection}
      attempt={state.status === 'reconnecting' ? state.attempt : null}
      pause={roomPause(state, room.clock.elapsedSeconds, mic.change)}
      lines={room.transcript.lines}
      interviewerSpeaking={room.transcript.interviewerSpeaking}
      clock={room.clock}
      counts={room.transcript.counts}
      muted={mic.muted}
      notices={notices}
      onMute={mic.setMuted}
      onEnd={() => interview.requestEnd('completed')}
    />
  );
}

/**
 * Why the room is paused, if it is: the network (no call; for how long, from the room's clock,
 * elapsed since the first live moment), or, on a live call, no allowed microphone connected.
 */
function roomPause(state: Running, elapsedSeconds: number, microphone: MicrophoneChange | null): RoomPause | null {
  if (state.status === 'paused') {
    const pausedAfter = state.liveSince === null ? elapsedSeconds : Math.floor((state.pausedAt - state.liveSince) / 1000);
    return { cause: 'network', seconds: Math.max(0, elapsedSeconds - pausedAfter) };
  }
  return state.status === 'live' && microphone?.kind === 'missing' ? { cause: 'microphone' } : null;
}

function describeNotice(notice: InterviewControls['notice']): string | null {
  if (!notice) return null;
  switch (notice.kind) {
    case 'session-ended':
      return 'The interview service ended the session; the transcript is being saved.';
    case 'time-warning':
      return `About ${Math.ceil(notice.remainingSeconds / 60)} minutes left: the interview will end by itself.`;
    case 'sideband':
    case 'transcript-upload':
      return null; // useRoomWarnings keeps each of these (this holds only main's latest event)
  }
}

/** Asks main which services answer while the device check is shown, and again on `recheck()`. */
function useServiceChecks(ports: InterviewPorts, active: boolean): { checks: ServiceChecks | null; recheck(): void } {
  const [checks, setChecks] = useState<ServiceChecks | null>(null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (!active) return;
    let live = true;
    void ports.checkServices().then((result) => live && setChecks(result.ok ? result.value : { supabase: null, tokenService: null, realtime: null }));
    return () => {
      live = false;
    };
  }, [ports, active, round]);
  const recheck = useCallback(() => {
    setChecks(null); // "Checking…" until the new answers come
    setRound((n) => n + 1);
  }, []);
  return { checks, recheck };
}
