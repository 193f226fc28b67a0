import { randomUUID } from 'node:crypto';
import {
  type RTCDataChannel,
  RTCPeerConnection,
  type RTCRtpTransceiver,
  RTCRtpCodecParameters,
  RtpHeader,
  RtpPacket,
} from 'werift';
import { FRAME_SAMPLES } from './opus';

/** What the call needs from its WebRTC peer, so the call logic does not depend on werift. */
export interface PeerEvents {
  onDataChannel(channel: EventChannel): void;
  onAudioPacket(opusPayload: Buffer): void;
  onClosed(reason: string): void;
}

/** The `oai-events` data channel, narrowed to what the call uses. */
export interface EventChannel {
  readonly label: string;
  readonly isOpen: boolean;
  /** Runs `handler` once the channel is open (at once if it already is). */
  whenOpen(handler: () => void): void;
  onClose(handler: () => void): void;
  send(text: string): void;
  onMessage(handler: (text: string) => void): void;
  close(): void;
}

const GATHER_TIMEOUT_MS = 3_000;

/**
 * Answers one browser's offer with a werift peer: audio send/receive (Opus) and the data channel
 * the client created. Loopback candidates are added because test machines may have nothing else.
 */
export class AnsweringPeer {
  private readonly pc = new RTCPeerConnection({
    iceServers: [],
    iceAdditionalHostAddresses: ['127.0.0.1'],
    iceUseIpv6: false,
    codecs: { audio: [new RTCRtpCodecParameters({ mimeType: 'audio/opus', clockRate: 48_000, channels: 2 })], video: [] },
  });
  private readonly transceiver: RTCRtpTransceiver;
  private sequence = Math.floor(Math.random() * 0xffff);
  private timestamp = Math.floor(Math.random() * 0xffffffff);
  private closed = false;

  constructor(private readonly events: PeerEvents) {
    // Added before setRemoteDescription so werift pairs it with the offer's audio section.
    this.transceiver = this.pc.addTransceiver('audio', { direction: 'sendrecv' });
    // With an msid the browser's `ontrack` gets a stream (`event.streams[0]`), as OpenAI's guide expects.
    this.transceiver.sender.streamId = `realtime-${randomUUID()}`;
    this.transceiver.onTrack.subscribe((track) => {
      track.onReceiveRtp.subscribe((rtp) => this.events.onAudioPacket(rtp.payload));
    });
    this.pc.onDataChannel.subscribe((channel) => this.events.onDataChannel(wrapChannel(channel)));
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'failed' || state === 'closed' || state === 'disconnected') this.finish(`peer ${state}`);
    });
  }

  /** Applies the offer and returns the answer SDP with every local candidate in it (no trickle over HTTP). */
  async answer(offerSdp: string): Promise<string> {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    const gathered = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, GATHER_TIMEOUT_MS);
      this.pc.iceGatheringStateChange.subscribe((state) => {
        if (state === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    if (this.pc.iceGatheringState !== 'complete') await gathered;
    const sdp = this.pc.localDescription?.sdp;
    if (!sdp) throw new Error('werift produced no answer');
    return sdp;
  }

  /** Sends one 20 ms Opus frame; `first` marks the start of a talk spurt. */
  sendAudio(payload: Buffer, first: boolean): void {
    if (this.closed) return;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + FRAME_SAMPLES) >>> 0;
    const header = new RtpHeader({ sequenceNumber: this.sequence, timestamp: this.timestamp, marker: first, payloadType: 111 });
    void this.transceiver.sender.sendRtp(new RtpPacket(header, payload)).catch(() => undefined);
  }

  /** Skips the RTP clock ahead over a silent gap, as a real sender's timestamps do. */
  skipSilence(frames: number): void {
    this.timestamp = (this.timestamp + frames * FRAME_SAMPLES) >>> 0;
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  async close(reason = 'closed'): Promise<void> {
    this.finish(reason);
    await this.pc.close().catch(() => undefined);
  }

  private finish(reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.events.onClosed(reason);
  }
}

function wrapChannel(channel: RTCDataChannel): EventChannel {
  return {
    label: channel.label,
    get isOpen() {
      return channel.readyState === 'open';
    },
    whenOpen: (handler) => {
      if (channel.readyState === 'open') handler();
      else channel.stateChanged.subscribe((state) => state === 'open' && handler());
    },
    onClose: (handler) => {
      channel.stateChanged.subscribe((state) => state === 'closed' && handler());
    },
    send: (text) => {
      if (channel.readyState === 'open') channel.send(text);
    },
    onMessage: (handler) => {
      channel.onMessage.subscribe((data) => handler(typeof data === 'string' ? data : data.toString('utf8')));
    },
    close: () => channel.close(),
  };
}
