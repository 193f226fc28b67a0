// Runs in the page (Debian Chromium), for bench/figures/interview.ts: type-checked with the DOM
// library (tsconfig.e2e.json); each function is serialised by Playwright, so it uses nothing
// from outside itself.

import type { Probe } from './interview.probe';

/** Runs in every page before its scripts: timestamps (performance.now) of what the figures need. */
export function instrument(finalEvents: string[]): void {
  const w = window as unknown as { __bench: Probe; RTCPeerConnection: typeof RTCPeerConnection };
  const probe: Probe = { start: null, dcOpen: null, firstAudio: null, finals: [] };
  w.__bench = probe;
  document.addEventListener(
    'click',
    (event) => {
      const button = (event.target as Element | null)?.closest?.('button');
      if (button && /Start interview/.test(button.textContent ?? '') && probe.start === null) probe.start = performance.now();
    },
    true,
  );
  const watchAudio = (stream: MediaStream) => {
    const context = new AudioContext();
    void context.resume();
    const analyser = context.createAnalyser();
    context.createMediaStreamSource(stream).connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      let sum = 0;
      for (const v of samples) sum += v * v;
      if (Math.sqrt(sum / samples.length) > 0.001) {
        probe.firstAudio ??= performance.now();
        clearInterval(timer);
        void context.close();
      }
    }, 5);
  };
  const Native = w.RTCPeerConnection;
  class Probed extends Native {
    constructor(...args: ConstructorParameters<typeof RTCPeerConnection>) {
      super(...args);
      const createOffer = this.createOffer.bind(this) as (options?: RTCOfferOptions) => Promise<RTCSessionDescriptionInit>;
      this.createOffer = ((options?: RTCOfferOptions) => {
        if (probe.start !== null) probe.offer ??= performance.now();
        return createOffer(options);
      }) as RTCPeerConnection['createOffer'];
      this.addEventListener('track', (event) => {
        if (event.track.kind === 'audio') watchAudio(event.streams[0] ?? new MediaStream([event.track]));
      });
    }
    override setRemoteDescription(description: RTCSessionDescriptionInit): Promise<void> {
      if (probe.start !== null && description.type === 'answer') probe.answer ??= performance.now();
      return super.setRemoteDescription(description);
    }
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init);
      channel.addEventListener('open', () => (probe.dcOpen ??= performance.now()));
      channel.addEventListener('message', (event: MessageEvent) => {
        const t = performance.now();
        try {
          const data = JSON.parse(String(event.data)) as { type?: string; item_id?: string; content_index?: number; transcript?: string };
          if (data.type && finalEvents.includes(data.type) && data.item_id) {
            probe.finals.push({ t, at: performance.timeOrigin + t, itemId: data.item_id, contentIndex: data.content_index ?? 0, text: (data.transcript ?? '').trim() });
          }
        } catch {
          /* not JSON: not ours to judge */
        }
      });
      return channel;
    }
  }
  w.RTCPeerConnection = Probed;
  // Durable in the journal: the web host's bridge answering transcript:append-batch ok (main
  // answers after the fsync). Seen on the bridge's WebSocket, before the page's own listener.
  const appends = new Map<number, { itemId: string; contentIndex: number }[]>();
  const NativeSocket = window.WebSocket;
  class ProbedSocket extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        const now = performance.now();
        try {
          const message = JSON.parse(String(event.data)) as { kind?: string; id?: number; result?: { ok?: boolean } };
          const entries = message.kind === 'result' && message.id !== undefined ? appends.get(message.id) : undefined;
          if (!entries) return;
          appends.delete(message.id!);
          if (!message.result?.ok) return;
          for (const entry of entries) for (const f of probe.finals) if (f.itemId === entry.itemId && f.contentIndex === entry.contentIndex) f.durable ??= now;
        } catch {
          /* not the bridge's */
        }
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string' && data.includes('transcript:append-batch')) {
        try {
          const request = JSON.parse(data) as { id: number; channel: string; input: { entries: { itemId: string; contentIndex: number }[] } };
          if (request.channel === 'transcript:append-batch') {
            appends.set(request.id, request.input.entries);
            const now = performance.now();
            for (const entry of request.input.entries) for (const f of probe.finals) if (f.itemId === entry.itemId && f.contentIndex === entry.contentIndex) f.sent ??= now;
          }
        } catch {
          /* not the bridge's */
        }
      }
      super.send(data);
    }
  }
  (window as unknown as { WebSocket: typeof WebSocket }).WebSocket = ProbedSocket;
  // A final line is visible once the transcript log shows it as final (aria-busy="false").
  new MutationObserver(() => {
    const pending = probe.finals.filter((f) => f.visible === undefined && f.text);
    if (pending.length === 0) return;
    const lines = [...document.querySelectorAll('li[aria-busy="false"] .text')].map((el) => (el.textContent ?? '').trim());
    const now = performance.now();
    for (const f of pending) if (lines.some((line) => line === f.text || line.includes(f.text))) f.visible = now;
  }).observe(document, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['aria-busy'] });
}

/** The bare connect, in the simulator's demo page: key and microphone first, then timed from createOffer. */
export async function bareConnect(): Promise<{ dcOpen: number; firstAudio: number; answer: number }> {
  const token = ((await (await fetch('/token')).json()) as { value: string }).value;
  const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new RTCPeerConnection();
  pc.addTrack(mic.getTracks()[0]!);
  const audio = document.createElement('audio');
  audio.autoplay = true;
  document.body.append(audio);
  const probe = (window as unknown as { __bench: Probe }).__bench;
  probe.dcOpen = null;
  probe.firstAudio = null;
  const dc = pc.createDataChannel('oai-events');
  pc.addEventListener('track', (event) => (audio.srcObject = event.streams[0] ?? new MediaStream([event.track])));
  void dc;
  const start = performance.now();
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const res = await fetch('/v1/realtime/calls', { method: 'POST', body: offer.sdp, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' } });
  const sdp = await res.text();
  const answered = performance.now();
  await pc.setRemoteDescription({ type: 'answer', sdp });
  const until = performance.now() + 20_000;
  while ((probe.dcOpen === null || probe.firstAudio === null) && performance.now() < until) await new Promise((r) => setTimeout(r, 10));
  const result = { dcOpen: (probe.dcOpen ?? NaN) - start, firstAudio: (probe.firstAudio ?? NaN) - start, answer: answered - start };
  pc.close();
  for (const track of mic.getTracks()) track.stop();
  audio.remove();
  return result;
}


/** What countFinals keeps: counters only, so that the page's heap is the station's alone. */
export interface FinalCounts {
  /** Final transcript events the data channel delivered. */
  finals: number;
  /** Entries main answered as durable (transcript:append-batch answered ok). */
  durable: number;
}

/** A lighter probe than `instrument`, for the memory figure: how many finals arrived and are durable. */
export function countFinals(finalEvents: string[]): void {
  const counts: FinalCounts = { finals: 0, durable: 0 };
  (window as unknown as { __counts: FinalCounts }).__counts = counts;
  const Native = window.RTCPeerConnection;
  class Counted extends Native {
    override createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
      const channel = super.createDataChannel(label, init);
      channel.addEventListener('message', (event: MessageEvent) => {
        const text = String(event.data);
        if (finalEvents.some((type) => text.includes(`"type":"${type}"`))) counts.finals += 1;
      });
      return channel;
    }
  }
  (window as unknown as { RTCPeerConnection: typeof RTCPeerConnection }).RTCPeerConnection = Counted;
  const appends = new Map<number, number>();
  const NativeSocket = window.WebSocket;
  class CountedSocket extends NativeSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (event: MessageEvent) => {
        try {
          const message = JSON.parse(String(event.data)) as { kind?: string; id?: number; result?: { ok?: boolean } };
          const entries = message.kind === 'result' && message.id !== undefined ? appends.get(message.id) : undefined;
          if (entries === undefined) return;
          appends.delete(message.id!);
          if (message.result?.ok) counts.durable += entries;
        } catch {
          /* not the bridge's */
        }
      });
    }
    override send(data: string | ArrayBufferLike | Blob | ArrayBufferView): void {
      if (typeof data === 'string' && data.includes('transcript:append-batch')) {
        const request = JSON.parse(data) as { id: number; input: { entries: unknown[] } };
        appends.set(request.id, request.input.entries.length);
      }
      super.send(data);
    }
  }
  (window as unknown as { WebSocket: typeof WebSocket }).WebSocket = CountedSocket;
}
