/**
 * Bare connect latency: Debian's Chromium ↔ the simulator, nothing else in between. This is the
 * baseline the whole-stack connect benchmark (DESIGN.md: at most 1.3×) divides by.
 *   npx tsx devstack/realtime/bench/connect.ts [runs=10]
 * Prints one JSON line: per-phase median and p95 in milliseconds.
 */
import { startRealtimeSimulator } from '../index';
import { launchChromium } from '../test/chromium';

interface Sample {
  offerToAnswerMs: number;
  offerToChannelOpenMs: number;
  offerToSessionCreatedMs: number;
}

// Runs in the page: the guide's steps, timed from createOffer (microphone and key obtained first).
const connectOnce = async (): Promise<Sample> => {
  const g = globalThis as unknown as {
    RTCPeerConnection: new () => {
      createDataChannel(label: string): { addEventListener(type: string, cb: (e: { data: string }) => void): void };
      addTrack(track: unknown): void;
      createOffer(): Promise<{ sdp?: string; type: string }>;
      setLocalDescription(d: unknown): Promise<void>;
      setRemoteDescription(d: unknown): Promise<void>;
      close(): void;
    };
    navigator: { mediaDevices: { getUserMedia(c: unknown): Promise<{ getTracks(): unknown[] }> } };
  };
  const token = ((await (await fetch('/token')).json()) as { value: string }).value;
  const mic = await g.navigator.mediaDevices.getUserMedia({ audio: true });
  const pc = new g.RTCPeerConnection();
  pc.addTrack(mic.getTracks()[0]);
  const dc = pc.createDataChannel('oai-events');
  const opened = new Promise<number>((resolve) => dc.addEventListener('open', () => resolve(performance.now())));
  const created = new Promise<number>((resolve) =>
    dc.addEventListener('message', (e) => JSON.parse(e.data).type === 'session.created' && resolve(performance.now())),
  );
  const start = performance.now();
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  const res = await fetch('/v1/realtime/calls', { method: 'POST', body: offer.sdp, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/sdp' } });
  const sdp = await res.text();
  const answered = performance.now();
  await pc.setRemoteDescription({ type: 'answer', sdp });
  const sample = { offerToAnswerMs: answered - start, offerToChannelOpenMs: (await opened) - start, offerToSessionCreatedMs: (await created) - start };
  pc.close();
  return sample;
};

function summary(values: number[]): { median: number; p95: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN);
  return { median: at(0.5), p95: at(0.95) };
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 10);
  const sim = await startRealtimeSimulator({ demo: true, script: { lines: ['x'], openOnConnect: false } });
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${sim.url}/`);
    await page.evaluate(connectOnce); // warm-up: first getUserMedia and JIT
    const samples: Sample[] = [];
    for (let i = 0; i < runs; i++) samples.push(await page.evaluate(connectOnce));
    const result = Object.fromEntries(
      (Object.keys(samples[0] ?? {}) as (keyof Sample)[]).map((key) => [key, summary(samples.map((s) => s[key]))]),
    );
    console.log(JSON.stringify({ bench: 'realtime-sim bare connect (Chromium)', runs, ...result }));
  } finally {
    await browser.close();
    await sim.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
