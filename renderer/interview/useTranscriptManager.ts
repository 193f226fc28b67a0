import { useCallback, useEffect, useRef, useState } from 'react';
import { AppendQueue, AppendSender, type AppendCounts } from './appendQueue';
import type { InterviewPorts } from './ports';
import { TranscriptManager, type TranscriptLine } from './transcriptManager';

export interface TranscriptControls {
  readonly lines: readonly TranscriptLine[];
  readonly interviewerSpeaking: boolean;
  readonly counts: AppendCounts;
  /** Feed one `oai-events` message. */
  handle(raw: unknown): void;
  /** A new call opened (its audio clock starts now). */
  callStarted(): void;
  /** The finals so far, for a new call's context. */
  finals(): TranscriptLine[];
  /** Releases everything held and waits (up to `timeoutMs`) until main has it all. */
  drain(timeoutMs: number): Promise<AppendCounts>;
}

/** How often held interviewer finals are checked for release (their waits are 1 s and longer). */
const HOLD_CHECK_MS = 100;

/**
 * The live transcript and its way to main's journal: the pure TranscriptManager decides, the
 * AppendSender sends a final to main as soon as nothing is in flight; this hook only wires them,
 * checks held entries on a timer and re-renders.
 */
export function useTranscriptManager(ports: InterviewPorts, sessionId: string, restored: readonly TranscriptLine[] = []): TranscriptControls {
  const [manager] = useState(() => {
    const created = new TranscriptManager(sessionId);
    // A restored interview starts from what this machine's journal holds.
    if (restored.length > 0) created.restore(restored);
    return created;
  });
  const [queue] = useState(() => new AppendQueue());
  const [view, setView] = useState({ lines: manager.lines(), speaking: false, counts: queue.counts() });

  const refresh = useCallback(() => setView({ lines: manager.lines(), speaking: manager.interviewerSpeaking, counts: queue.counts() }), [manager, queue]);

  // Made in the effect (not in state) so that StrictMode's unmount/remount gets a live sender.
  const senderRef = useRef<AppendSender | null>(null);
  useEffect(() => {
    const created = new AppendSender(queue, (batch) => ports.appendTranscripts(batch), refresh);
    senderRef.current = created;
    const timer = setInterval(() => {
      manager.tick(Date.now());
      created.push(manager.takeReady());
    }, HOLD_CHECK_MS);
    return () => {
      clearInterval(timer);
      created.stop();
      if (senderRef.current === created) senderRef.current = null;
    };
  }, [manager, queue, ports, refresh]);

  const handle = useCallback(
    (raw: unknown) => {
      const before = manager.version;
      manager.handle(raw, Date.now());
      if (manager.version === before) return;
      // Before the sender exists (first render), ready entries wait in the manager for the timer.
      senderRef.current?.push(manager.takeReady());
      refresh();
    },
    [manager, refresh],
  );

  const callStarted = useCallback(() => manager.callStarted(Date.now()), [manager]);
  const finals = useCallback(() => manager.finals(), [manager]);

  const drain = useCallback(
    async (timeoutMs: number) => {
      manager.flush();
      const deadline = Date.now() + timeoutMs;
      const sender = senderRef.current;
      if (sender) sender.push(manager.takeReady());
      else queue.add(manager.takeReady());
      while (sender && !queue.isIdle() && Date.now() < deadline) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        await Promise.race([sender.settled(), new Promise((resolve) => (timer = setTimeout(resolve, deadline - Date.now())))]);
        clearTimeout(timer);
      }
      refresh();
      return queue.counts();
    },
    [manager, queue, refresh],
  );

  return { lines: view.lines, interviewerSpeaking: view.speaking, counts: view.counts, handle, callStarted, finals, drain };
}
