import { useState } from 'react';
import type { AppInfo, PublicConfig } from '@interview-station/contracts';
import { ConfigErrorScreen } from './ConfigErrorScreen';
import { createStationPorts } from './interview/stationPorts';
import { InterviewFlow } from './InterviewFlow';
import { SignIn } from './SignIn';
import { station } from './station';
import { SyncIndicator } from './SyncIndicator';
import { useAuth } from './useAuth';
import { useStationCall, type CallState } from './useStationCall';

function StationInfo({ info }: { info: CallState<AppInfo> }) {
  if (info.status === 'loading') return <p role="status">Connecting to the station…</p>;
  if (info.status === 'failed') return <p role="alert">The station did not answer: {info.error.message}</p>;
  const { name, version, host, platform, arch, versions } = info.value;
  return (
    <dl className="facts" aria-label="Station">
      <dt>Station</dt>
      <dd data-testid="station-version">
        {name} {version}
      </dd>
      <dt>Host</dt>
      <dd data-testid="station-host">{host === 'electron' ? `Electron ${versions.electron ?? ''}` : 'Web host (development)'}</dd>
      <dt>System</dt>
      <dd>
        {platform} {arch}, Node {versions.node}
      </dd>
    </dl>
  );
}

function ConfigSummary({ config }: { config: CallState<PublicConfig> }) {
  if (config.status !== 'ready') return null;
  const { connectionMode, kiosk, maxInterviewMinutes } = config.value;
  return (
    <p data-testid="station-config">
      Connection mode {connectionMode}; kiosk {kiosk ? 'on' : 'off'}; interviews up to {maxInterviewMinutes} minutes.
    </p>
  );
}

export function App() {
  const info = useStationCall(() => station().app.info());
  const config = useStationCall(() => station().config.get());
  const auth = useAuth();
  const [ports] = useState(() => createStationPorts(station()));
  const configError = config.status === 'failed' && config.error.code === 'CONFIGURATION_INVALID' ? config.error : null;
  const canSignIn = config.status === 'ready' && config.value.signInAvailable;
  // The station's facts: what the home screen shows, signed in or not.
  const home = (
    <>
      {canSignIn && (
        <>
          <SignIn auth={auth} />
          <SyncIndicator />
        </>
      )}
      <ConfigSummary config={config} />
      <StationInfo info={info} />
    </>
  );
  return (
    <main className="station">
      <h1>Interview Station</h1>
      {configError ? (
        <>
          <ConfigErrorScreen error={configError} />
          <StationInfo info={info} />
        </>
      ) : canSignIn && auth.state?.status === 'signed-in' ? (
        // A signed-in proctor or recruiter starts interviews from the home screen.
        <InterviewFlow ports={ports} config={config.value} home={home} />
      ) : (
        home
      )}
    </main>
  );
}
