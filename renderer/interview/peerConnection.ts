import { StationFailure, stationError } from '@interview-station/contracts';

/**
 * The RTCPeerConnection for one realtime call, kept out of React. Direct and hybrid modes differ
 * only in `exchangeSdp` (POST to OpenAI with the ephemeral key, or through main and the token
 * service), so both share everything here.
 */

/** What becomes of an open call; `lost` means it dropped on its own (not closed by us). */
export type CallState = 'open' | 'lost' | 'closed';

export interface RealtimeCallOptions {
  /** The microphone stream the caller chose (its device, its constraints); tracks are not stopped here. */
  readonly stream: MediaStream;
  readonly iceServers: readonly RTCIceServer[];
  /** Offer SDP in, answer SDP out; throws a StationFailure when the exchange is refused. */
  readonly exchangeSdp: (offerSdp: string) => Promise<string>;
  /** Remote audio plays here: Chromium's echo canceller covers only audio played from the peer connection this way. */
  readonly audioElement: HTMLAudioElement;
  /** Every parsed JSON message from `oai-events`. */
  readonly onEvent: (event: unknown) => void;
  readonly onStateChange: (state: CallState) => void;
  /** How long to wait for the data channel to open after the answer. */
  readonly openTimeoutMs?: number;
  /** How long a `disconnected` peer may take to recover before the call counts as lost. */
  readonly disconnectGraceMs?: number;
  /** For tests: the peer connection constructor. */
  readonly createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
}

/** An open call. `send` answers false when the channel is not open (the event was not sent). */
export interface RealtimeCall {
  send(event: Readonly<Record<string, unknown>>): boolean;
  /**
   * Sends this microphone track from now on, on the same call (`RTCRtpSender.replaceTrack`: no
   * renegotiation). False when the call is closed or sends no audio.
   */
  replaceAudioTrack(track: MediaStreamTrack): Promise<boolean>;
  close(): void;
}

export const OAI_EVENTS_CHANNEL = 'oai-events';

/**
 * Builds the peer connection, makes the offer, exchanges it and resolves once the data channel is
 * open. It does not wait for ICE gathering: the offer carries the ICE credentials, the provider
 * answers with its candidates and learns ours from the connectivity checks (saves ~100 ms). Nor does
 * the exchange wait for setLocalDescription: the offer is sent as soon as it is made.
 */
export async function openRealtimeCall(options: RealtimeCallOptions): Promise<RealtimeCall> {
  const create = options.createPeerConnection ?? ((config: RTCConfiguration) => new RTCPeerConnection(config));
  const pc = create({ iceServers: [...options.iceServers] });
  // The channel must exist before the offer so the offer carries an SCTP section.
  const channel = pc.createDataChannel(OAI_EVENTS_CHANNEL);
  let settled = false;
  let closedByUs = false;
  let graceTimer: ReturnType<typeof setTimeout> | null = null;

  const lose = () => {
    if (closedByUs || !settled) return;
    closedByUs = true;
    teardown();
    options.onStateChange('lost');
  };
  const teardown = () => {
    if (graceTimer) clearTimeout(graceTimer);
    channel.onmessage = null;
    options.audioElement.srcObject = null;
    try {
      channel.close();
    } finally {
      pc.close();
    }
  };

  pc.ontrack = (event) => {
    const [remote] = event.streams;
    options.audioElement.srcObject = remote ?? new MediaStream([event.track]);
    // Autoplay may be refused without a gesture; Start was a click, so it normally is not.
    void options.audioElement.play().catch(() => undefined);
  };
  channel.onmessage = (message: MessageEvent) => {
    if (typeof message.data !== 'string') return;
    try {
      options.onEvent(JSON.parse(message.data));
    } catch {
      // A message that is not JSON is not an event the station reads.
    }
  };
  pc.onconnectionstatechange = () => {
    if (pc.connectionState === 'failed' || pc.connectionState === 'closed') lose();
    else if (pc.connectionState === 'disconnected') {
      // Disconnected often recovers by itself (a Wi-Fi blip); give it a moment before rebuilding.
      graceTimer ??= setTimeout(() => (pc.connectionState === 'connected' ? (graceTimer = null) : lose()), options.disconnectGraceMs ?? 3_000);
    } else if (pc.connectionState === 'connected' && graceTimer) {
      clearTimeout(graceTimer);
      graceTimer = null;
    }
  };
  channel.onclose = lose;

  for (const track of options.stream.getAudioTracks()) pc.addTrack(track, options.stream);
  // Receive the interviewer's audio even if the microphone track were missing.
  if (options.stream.getAudioTracks().length === 0) pc.addTransceiver('audio', { direction: 'recvonly' });

  try {
    const offer = await pc.createOffer();
    // The offer goes out while it is applied here: the SDP sent is the one applied (no candidate is
    // awaited, so setLocalDescription adds nothing to it), and the answer is applied after both.
    const applied = pc.setLocalDescription(offer);
    const [answerSdp] = await Promise.all([options.exchangeSdp(offer.sdp ?? ''), applied]);
    await pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
    await waitOpen(channel, options.openTimeoutMs ?? 15_000);
  } catch (error) {
    closedByUs = true;
    teardown();
    if (error instanceof StationFailure) throw error;
    throw new StationFailure(stationError('WEBRTC_CONNECTION_FAILED', error instanceof Error ? error.message : String(error)));
  }
  settled = true;
  options.onStateChange('open');

  return {
    send(event) {
      if (channel.readyState !== 'open') return false;
      channel.send(JSON.stringify(event));
      return true;
    },
    async replaceAudioTrack(track) {
      const sending = pc.getTransceivers().find((t) => t.receiver.track.kind === 'audio' && (t.direction === 'sendrecv' || t.direction === 'sendonly'));
      if (closedByUs || !sending) return false;
      if (sending.sender.track === track) return true;
      try {
        await sending.sender.replaceTrack(track);
        return true;
      } catch {
        return false; // closed meanwhile: the next call starts with the stream's current track
      }
    },
    close() {
      if (closedByUs) return;
      closedByUs = true;
      teardown();
      options.onStateChange('closed');
    },
  };
}

let warming: Promise<void> | null = null;

/**
 * Readies this page's WebRTC stack ahead of Start, while the candidate does the device check: the
 * first peer connection of a page pays the engine's start-up (factory, network and audio set-up)
 * in its createOffer and setLocalDescription, about 25–40 ms measured, later ones do not. A
 * throwaway connection (a data channel and a receive-only audio section, as a call's offer has)
 * makes an offer, applies it and is closed: nothing of it is kept or reused, and every call still
 * builds its own connection, certificate and offer at Start. Once per page (`create` is for
 * tests, and is not remembered); never throws.
 */
export function warmUpWebRTC(create?: (config: RTCConfiguration) => RTCPeerConnection): Promise<void> {
  if (create) return warmUp(create);
  if (typeof RTCPeerConnection === 'undefined') return Promise.resolve();
  warming ??= warmUp((config) => new RTCPeerConnection(config));
  return warming;
}

async function warmUp(create: (config: RTCConfiguration) => RTCPeerConnection): Promise<void> {
  let pc: RTCPeerConnection | null = null;
  try {
    pc = create({ iceServers: [] });
    pc.createDataChannel(OAI_EVENTS_CHANNEL);
    pc.addTransceiver('audio', { direction: 'recvonly' });
    await pc.setLocalDescription(await pc.createOffer());
  } catch {
    // Only a head start: Start builds its call as it would have anyway.
  } finally {
    pc?.close();
  }
}

function waitOpen(channel: RTCDataChannel, timeoutMs: number): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new StationFailure(stationError('WEBRTC_CONNECTION_FAILED', 'The call did not open in time.'))), timeoutMs);
    channel.addEventListener('open', () => (clearTimeout(timer), resolve()), { once: true });
    channel.addEventListener('close', () => (clearTimeout(timer), reject(new StationFailure(stationError('WEBRTC_CONNECTION_FAILED', 'The call closed before it opened.')))), { once: true });
  });
}
