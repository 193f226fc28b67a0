import { useCallback } from 'react';
import { unwrap, type CallSetup } from './callSetup';
import type { InterviewPorts, StartedInterview } from './ports';

/**
 * Hybrid mode: the offer goes to main, which relays it through the token service's SDP proxy (the
 * token service also attaches a sideband to the call). The renderer holds no credential.
 */
export function useSDPProxy(ports: InterviewPorts, session: StartedInterview): () => Promise<CallSetup> {
  const { sessionId, iceServers } = session;
  return useCallback(
    async () => ({
      // The ICE servers interview-start configured (interview:start hands them over in both modes).
      iceServers: [...(iceServers ?? [])].map((server) => ({ ...server, urls: server.urls as string | string[] })),
      exchangeSdp: async (offerSdp: string) => unwrap(await ports.exchangeSdpViaProxy(sessionId, offerSdp)).sdp,
    }),
    [ports, sessionId, iceServers],
  );
}
