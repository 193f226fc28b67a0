import { useId, useState } from 'react';
import { canStart, readinessChecks, type ReadinessCheck } from './interview/deviceCheck';
import type { SessionSlot } from './interview/interviewMachine';
import type { ServiceChecks } from './interview/ports';
import { playTestSound } from './interview/testSound';
import type { MicrophoneControls } from './interview/useMicrophone';

const STATE_WORD = { pass: 'OK', fail: 'Problem', pending: 'Checking', unknown: 'Not checked' } as const;

export interface DeviceCheckProps {
  readonly mic: MicrophoneControls;
  readonly session: SessionSlot;
  readonly services: ServiceChecks | null;
  readonly keyMinted: boolean | null;
  onStart(): void;
  onRetrySession(): void;
  /** Probes the services again (shown when one of them does not answer). */
  onRecheck(): void;
  onCancel(): void;
}

/** Microphone, speaker and services checked while the interview is prepared in the background. */
export function DeviceCheck({ mic, session, services, keyMinted, onStart, onRetrySession, onRecheck, onCancel }: DeviceCheckProps) {
  const [playing, setPlaying] = useState(false);
  const micFieldId = useId();
  const checks = readinessChecks({ micError: mic.error, micLive: mic.stream !== null, soundHeard: mic.soundHeard, session, services, keyMinted });
  const ready = canStart(checks);
  const percent = Math.round(mic.level * 100);

  const testSound = () => {
    setPlaying(true);
    void playTestSound().finally(() => setPlaying(false));
  };

  return (
    <section className="screen device-check" aria-labelledby="device-check-title">
      <h2 id="device-check-title">Check your microphone and sound</h2>
      <p>Please use the headset: with speakers, the interviewer may hear itself.</p>
      <div className="field">
        <label htmlFor={micFieldId}>Microphone</label>
        <select id={micFieldId} value={mic.deviceId ?? ''} onChange={(e) => mic.choose(e.target.value)} disabled={mic.options.length === 0}>
          {mic.options.length === 0 && <option value="">No microphone yet</option>}
          {mic.options.map((option) => (
            <option key={option.deviceId} value={option.deviceId}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <div className="meter" role="meter" aria-label="Microphone level" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-valuetext={`${percent} percent`}>
        <div className="meter-bar" style={{ width: `${percent}%` }} />
      </div>
      <p className="hint">Say a few words: the bar should move.</p>
      <button type="button" className="secondary" onClick={testSound} disabled={playing}>
        Play test sound
      </button>
      <ul className="checks" aria-label="Readiness checks">
        {checks.map((check) => (
          <CheckRow key={check.id} check={check} />
        ))}
      </ul>
      {services && (services.supabase === false || services.tokenService === false || services.realtime === false) && (
        <p role="alert">
          {describeDown(services)}{' '}
          <button type="button" className="secondary" onClick={onRecheck}>
            Check again
          </button>
        </p>
      )}
      {session.status === 'failed' && (
        <p role="alert">
          The interview could not be prepared: {session.error.message}{' '}
          <button type="button" className="secondary" onClick={onRetrySession}>
            Try again
          </button>
        </p>
      )}
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="button" onClick={onStart} disabled={!ready}>
          Start interview
        </button>
      </div>
    </section>
  );
}

/** Says which service does not answer and what that means for the interview. */
function describeDown(services: ServiceChecks): string {
  const down = [
    services.supabase === false && 'the station server',
    services.tokenService === false && 'the token service',
    services.realtime === false && 'the AI interviewer service',
  ].filter((name): name is string => Boolean(name));
  return `Not answering: ${down.join(', ')}. ${services.tokenService === false ? 'The interview cannot start until it does.' : 'The interview may not connect.'}`;
}

function CheckRow({ check }: { check: ReadinessCheck }) {
  return (
    <li className={`check check-${check.state}`}>
      <span className="check-label">{check.label}</span>: <strong>{STATE_WORD[check.state]}</strong> — {check.detail}
    </li>
  );
}
