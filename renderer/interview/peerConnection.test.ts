import { describe, expect, it } from 'vitest';
import { StationFailure } from '@interview-station/contracts';
import { OAI_EVENTS_CHANNEL, openRealtimeCall, warmUpWebRTC, type CallState } from './peerConnection';

/** Just enough of RTCPeerConnection to record what the module does and in which order. */
class FakeChannel extends EventTarget {
  readyState: RTCDataChannelState = 'connecting';
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: (() => void) | null = null;
  sent: string[] = [];
  constructor(readonly label: string) {
    super();
  }
  send(data: string) {
    this.sent.push(data);
  }
  close() {
    this.readyState = 'closed';
  }
  open() {
    this.readyState = 'open';
    this.dispatchEvent(new Event('open'));
  }
  receive(data: string) {
    this.onmessage?.(new MessageEvent('message', { data }));
  }
}

class FakePeer {
  log: string[] = [];
  channel: FakeChannel | null = null;
  connectionState: RTCPeerConnectionState = 'new';
  ontrack: ((event: unknown) => void) | null = null;
  onconnectionstatechange: (() => void) | null = null;
  constructor(readonly config: RTCConfiguration, private readonly openOnAnswer = true) {}
  createDataChannel(label: string) {
    this.log.push(`channel:${label}`);
    return (this.channel = new FakeChannel(label));
  }
  transceivers: { direction: RTCRtpTransceiverDirection; receiver: { track: { kind: string } }; sender: { track: unknown; replaceTrack(track: unknown): Promise<void> } }[] = [];
  addTrack(track: { kind: string }) {
    this.log.push(`track:${track.kind}`);
    const sender = {
      track: track as unknown,
      replaceTrack: async (next: unknown) => {
        this.log.push('replace-track');
        sender.track = next;
      },
    };
    this.transceivers.push({ direction: 'sendrecv', receiver: { track: { kind: 'audio' } }, sender });
  }
  getTransceivers() {
    return this.transceivers;
  }
  addTransceiver() {
    this.log.push('transceiver');
  }
  async createOffer() {
    this.log.push('offer');
    return { type: 'offer', sdp: 'v=0 offer' };
  }
  async setLocalDescription() {
    this.log.push('local');
  }
  async setRemoteDescription(description: { sdp: string }) {
    this.log.push(`remote:${description.sdp}`);
    if (this.openOnAnswer) queueMicrotask(() => this.channel!.open());
  }
  close() {
    this.log.push('close');
  }
  setState(state: RTCPeerConnectionState) {
    this.connectionState = state;
    this.onconnectionstatechange?.();
  }
}

const track = { kind: 'audio' };
const stream = { getAudioTracks: () => [track] } as unknown as MediaStream;
const audioElement = { srcObject: null, play: async () => undefined } as unknown as HTMLAudioElement;

function setup(exchangeSdp: (offer: string) => Promise<string>, openOnAnswer = true) {
  const peers: FakePeer[] = [];
  const states: CallState[] = [];
  const events: unknown[] = [];
  const call = openRealtimeCall({
    stream,
    iceServers: [{ urls: 'stun:stun.example.test' }],
    exchangeSdp,
    audioElement,
    onEvent: (event) => events.push(event),
    onStateChange: (state) => states.push(state),
    openTimeoutMs: 50,
    disconnectGraceMs: 10,
    createPeerConnection: (config) => {
      const peer = new FakePeer(config, openOnAnswer);
      peers.push(peer);
      return peer as unknown as RTCPeerConnection;
    },
  });
  return { call, peers, states, events };
}

describe('realtime call', () => {
  it('creates oai-events and the mic track before the offer, exchanges it without waiting for ICE, and opens', async () => {
    const offers: string[] = [];
    const { call, peers, states } = setup(async (offer) => (offers.push(offer), 'v=0 answer'));
    const open = await call;
    const peer = peers[0]!;
    expect(peer.config.iceServers).toEqual([{ urls: 'stun:stun.example.test' }]);
    expect(peer.log).toEqual([`channel:${OAI_EVENTS_CHANNEL}`, 'track:audio', 'offer', 'local', 'remote:v=0 answer']);
    expect(offers).toEqual(['v=0 offer']);
    expect(states).toEqual(['open']);
    expect(open.send({ type: 'response.create' })).toBe(true);
    expect(peer.channel!.sent).toEqual(['{"type":"response.create"}']);
  });

  it('sends the offer while it is applied locally, and applies the answer only once both are done', async () => {
    let applyLocal!: () => void;
    const order: string[] = [];
    const { call, peers } = setup(async () => {
      order.push('exchange');
      return 'v=0 answer';
    });
    const peer = peers[0]!;
    peer.setLocalDescription = () => {
      peer.log.push('local');
      return new Promise<void>((resolve) => (applyLocal = () => (order.push('local applied'), resolve())));
    };
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(order).toEqual(['exchange']);
    expect(peer.log).not.toContain('remote:v=0 answer');
    applyLocal();
    await call;
    expect(order).toEqual(['exchange', 'local applied']);
    expect(peer.log).toEqual([`channel:${OAI_EVENTS_CHANNEL}`, 'track:audio', 'offer', 'local', 'remote:v=0 answer']);
  });

  it('fails and closes the peer when the offer cannot be applied locally, even if the exchange answered', async () => {
    const { call, peers } = setup(async () => 'v=0 answer');
    peers[0]!.setLocalDescription = async () => Promise.reject(new Error('bad offer'));
    await expect(call).rejects.toMatchObject({ error: { code: 'WEBRTC_CONNECTION_FAILED' } });
    expect(peers[0]!.log).not.toContain('remote:v=0 answer');
    expect(peers[0]!.log.at(-1)).toBe('close');
  });

  it('hands every JSON message on to onEvent and skips what is not JSON', async () => {
    const { call, peers, events } = setup(async () => 'v=0 answer');
    await call;
    peers[0]!.channel!.receive('{"type":"output_audio_buffer.started"}');
    peers[0]!.channel!.receive('not json');
    expect(events).toEqual([{ type: 'output_audio_buffer.started' }]);
  });

  it('closes the peer and passes the typed error on when the exchange is refused', async () => {
    const { call, peers } = setup(async () => Promise.reject(StationFailure.of('SDP_EXCHANGE_FAILED', 'refused')));
    await expect(call).rejects.toMatchObject({ error: { code: 'SDP_EXCHANGE_FAILED' } });
    expect(peers[0]!.log.at(-1)).toBe('close');
  });

  it('fails with WEBRTC_CONNECTION_FAILED when the channel never opens', async () => {
    const { call } = setup(async () => 'v=0 answer', false);
    await expect(call).rejects.toMatchObject({ error: { code: 'WEBRTC_CONNECTION_FAILED' } });
  });

  it('reports lost when the peer fails, or stays disconnected past the grace period, but not when we close it', async () => {
    const failed = setup(async () => 'v=0 answer');
    await failed.call;
    failed.peers[0]!.setState('failed');
    expect(failed.states).toEqual(['open', 'lost']);

    const blip = setup(async () => 'v=0 answer');
    await blip.call;
    blip.peers[0]!.setState('disconnected');
    blip.peers[0]!.setState('connected');
    await new Promise((r) => setTimeout(r, 30));
    expect(blip.states).toEqual(['open']);
    blip.peers[0]!.setState('disconnected');
    await new Promise((r) => setTimeout(r, 30));
    expect(blip.states).toEqual(['open', 'lost']);

    const closed = setup(async () => 'v=0 answer');
    (await closed.call).close();
    closed.peers[0]!.setState('closed');
    expect(closed.states).toEqual(['open', 'closed']);
  });

  it('swaps the microphone track on the open call without a new offer, and not on a closed one', async () => {
    const { call, peers } = setup(async () => 'v=0 answer');
    const open = await call;
    const peer = peers[0]!;
    const spare = { kind: 'audio' } as MediaStreamTrack;
    expect(await open.replaceAudioTrack(spare)).toBe(true);
    expect(peer.transceivers[0]!.sender.track).toBe(spare);
    expect(peer.log.filter((step) => step === 'offer')).toHaveLength(1);
    expect(await open.replaceAudioTrack(spare)).toBe(true);
    expect(peer.log.filter((step) => step === 'replace-track')).toHaveLength(1);
    open.close();
    expect(await open.replaceAudioTrack({ kind: 'audio' } as MediaStreamTrack)).toBe(false);
    expect(peer.transceivers[0]!.sender.track).toBe(spare);
  });
});

describe('WebRTC warm-up (during the device check)', () => {
  it('makes and applies an offer like a call’s (data channel, audio) on a throwaway connection, then closes it', async () => {
    const peers: FakePeer[] = [];
    await warmUpWebRTC((config) => {
      const peer = new FakePeer(config);
      peers.push(peer);
      return peer as unknown as RTCPeerConnection;
    });
    expect(peers).toHaveLength(1);
    expect(peers[0]!.config.iceServers).toEqual([]);
    expect(peers[0]!.log).toEqual([`channel:${OAI_EVENTS_CHANNEL}`, 'transceiver', 'offer', 'local', 'close']);
  });

  it('never throws, and closes what it built when the offer fails', async () => {
    const peer = new FakePeer({});
    peer.createOffer = async () => Promise.reject(new Error('no WebRTC here'));
    await expect(warmUpWebRTC(() => peer as unknown as RTCPeerConnection)).resolves.toBeUndefined();
    expect(peer.log.at(-1)).toBe('close');
    await expect(
      warmUpWebRTC(() => {
        throw new Error('constructor refused');
      }),
    ).resolves.toBeUndefined();
  });

  it('does nothing where the page has no RTCPeerConnection', async () => {
    expect(typeof RTCPeerConnection).toBe('undefined');
    await expect(warmUpWebRTC()).resolves.toBeUndefined();
  });
});
