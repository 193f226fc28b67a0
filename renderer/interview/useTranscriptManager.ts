import { useCallback, useEffect, useState } from 'react';
import { APPEND_INTERVAL_MS, AppendQueue, type AppendCounts } from './appendQueue';
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

/**
 * The live transcript and its way to main's journal: the pure TranscriptManager decides, this hook
 * only times it (every APPEND_INTERVAL_MS: release held entries, send one batch) and re-renders.
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

  const pump = useCallback(async () => {
    manager.tick(Date.now());
    queue.add(manager.takeReady());
    const batch = queue.nextBatch();
    if (!batch) return;
    try {
      queue.settle(await ports.appendTranscripts(batch));
    } catch (error) {
      queue.settleAllFailed(error instanceof Error ? error.message : String(error));
    }
    refresh();
  }, [manager, queue, ports, refresh]);

  useEffect(() => {
    const timer = setInterval(() => void pump(), APPEND_INTERVAL_MS);
    return () => clearInterval(timer);
  }, [pump]);

  const handle = useCallback(
    (raw: unknown) => {
      const before = manager.version;
      manager.handle(raw, Date.now());
      if (manager.version !== before) refresh();
    },
    [manager, refresh],
  );

  const callStarted = useCallback(() => manager.callStarted(Date.now()), [manager]);
  const finals = useCallback(() => manager.finals(), [manager]);

  const drain = useCallback(
    async (timeoutMs: number) => {
      manager.flush();
      const deadline = Date.now() + timeoutMs;
      queue.add(manager.takeReady());
      while (!queue.isIdle() && Date.now() < deadline) {
        await pump();
        await new Promise((resolve) => setTimeout(resolve, APPEND_INTERVAL_MS));
      }
      refresh();
      return queue.counts();
    },
    [manager, queue, pump, refresh],
  );

  return { lines: view.lines, interviewerSpeaking: view.speaking, counts: view.counts, handle, callStarted, finals, drain };
}
