import { useEffect, useMemo, useState } from 'react';
import type { MicrophoneChange } from './microphoneFallback';
import type { InterviewPorts } from './ports';
import { roomWarnings } from './roomWarnings';
import type { TranscriptLine } from './transcriptManager';

interface MainSignals {
  readonly sidebandConnected: boolean;
  readonly uploadsHealthy: boolean;
}

/**
 * The room's degradation warnings: main's `interview:state-changed` signals for this session
 * (sideband, transcript uploads), each kept until main says otherwise (one event does not hide
 * another), plus what the transcript and the microphone show. See roomWarnings.ts for the words.
 */
export function useRoomWarnings(ports: InterviewPorts, sessionId: string, lines: readonly TranscriptLine[], microphone: MicrophoneChange | null): readonly string[] {
  const [signals, setSignals] = useState<MainSignals>({ sidebandConnected: true, uploadsHealthy: true });
  useEffect(
    () =>
      ports.onStateChanged((event) => {
        if (event.sessionId !== sessionId) return;
        if (event.kind === 'sideband') setSignals((now) => ({ ...now, sidebandConnected: event.connected }));
        if (event.kind === 'transcript-upload') setSignals((now) => ({ ...now, uploadsHealthy: event.healthy }));
      }),
    [ports, sessionId],
  );
  return useMemo(() => roomWarnings({ lines, microphone, ...signals }).map((warning) => warning.text), [lines, microphone, signals]);
}
