import { useCallback, useRef } from 'react';
import { postOfferToCalls } from './directSdp';
import { keyStillUsable, unwrap, type CallSetup } from './callSetup';
import type { InterviewPorts, RealtimeToken, StartedInterview } from './ports';

/**
 * Direct mode: one short-lived ephemeral key per connection attempt, and the offer posted to
 * OpenAI's `calls` URL with it. The key minted during the device check (start fast) is used for
 * the first attempt if it still has life left; every later attempt mints a new one.
 */
export function useOpenAIConnection(ports: InterviewPorts, session: StartedInterview, prefetched: RealtimeToken | null): () => Promise<CallSetup> {
  const unused = useRef<RealtimeToken | null>(prefetched);
  const { sessionId } = session;
  return useCallback(async () => {
    const reuse = unused.current && keyStillUsable(unused.current.expiresAt, Date.now()) ? unused.current : null;
    unused.current = null;
    const token = reuse ?? unwrap(await ports.getRealtimeToken(sessionId));
    return {
      iceServers: token.iceServers.map((server) => ({ ...server, urls: server.urls as string | string[] })),
      exchangeSdp: async (offerSdp: string) =>
        (await postOfferToCalls((url, init) => fetch(url, init), { callsUrl: token.callsUrl, clientSecret: token.clientSecret, offerSdp })).sdp,
    };
  }, [ports, sessionId]);
}
