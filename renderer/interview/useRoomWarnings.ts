import { useEffect, useMemo, useState } from 'react';
import type { MicrophoneChange } from './microphoneFallback';
import type { InterviewPorts } from './ports';
import { ALL_WELL, roomWarnings, signalsAfter, type MainSignals } from './roomWarnings';
import type { TranscriptLine } from './transcriptManager';

/**
 * The room's degradation warnings: main's `interview:state-changed` signals for this session
 * (sideband, transcript uploads), each kept until main says otherwise (`interview.notice` holds
 * only the latest event), plus what the transcript and the microphone show. Words: roomWarnings.ts.
 */
export function useRoomWarnings(ports: InterviewPorts, sessionId: string, lines: readonly TranscriptLine[], microphone: MicrophoneChange | null): readonly string[] {
  const [signals, setSignals] = useState<MainSignals>(ALL_WELL);
  useEffect(() => ports.onStateChanged((event) => setSignals((now) => signalsAfter(now, event, sessionId))), [ports, sessionId]);
  return useMemo(() => roomWarnings({ lines, microphone, ...signals }).map((warning) => warning.text), [lines, microphone, signals]);
}
