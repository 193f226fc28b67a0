import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resumeLine } from './call';
import { type RealtimeSimulatorHandle, startRealtimeSimulator } from './index';
import { DEFAULT_SCRIPT } from './script';
import { NodeRealtimeClient } from './test/nodeClient';

/**
 * A new realtime session given the conversation so far (`conversation.item.create`, text) continues
 * its script after the last interviewer line it was given, as the real model continues a
 * conversation, so a test can tell "continued" from "started over" (issue 14).
 */
const lines = DEFAULT_SCRIPT.lines;

describe('resumeLine', () => {
  it('continues after the last interviewer line given, matched by text, a cut-off line by its start', () => {
    expect(resumeLine(lines, [])).toBeNull();
    expect(resumeLine(lines, [lines[0]!])).toBe(1);
    expect(resumeLine(lines, [lines[0]!, lines[1]!])).toBe(2);
    // Stored as heard: cut off after a few words, with the station's mark.
    expect(resumeLine(lines, [lines[0]!, 'What is a project you are —'])).toBe(2);
    // Case and punctuation do not matter.
    expect(resumeLine(lines, [lines[0]!.toUpperCase().replace(/[.,]/g, '')])).toBe(1);
    // Lines that are not in the script: continue after as many lines as were spoken.
    expect(resumeLine(lines, ['Something else entirely', 'And another thing'])).toBe(2);
  });
});

let sim: RealtimeSimulatorHandle;
const clients: NodeRealtimeClient[] = [];

beforeAll(async () => {
  sim = await startRealtimeSimulator({ transcriptionDelayMs: 50 });
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
});
afterAll(() => sim.close());

async function connect(): Promise<NodeRealtimeClient> {
  const res = await fetch(`${sim.url}/v1/realtime/client_secrets`, {
    method: 'POST',
    headers: { authorization: `Bearer ${sim.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify({ session: { type: 'realtime' } }),
  });
  const key = ((await res.json()) as { value: string }).value;
  const client = new NodeRealtimeClient();
  clients.push(client);
  expect((await client.call(sim.url, key)).status).toBe(201);
  await client.waitFor((e) => e.type === 'session.created');
  return client;
}

const item = (role: 'assistant' | 'user', text: string) => ({
  type: 'conversation.item.create',
  item: { type: 'message', role, content: [{ type: role === 'assistant' ? 'output_text' : 'input_text', text }] },
});

describe('a call given the conversation so far', () => {
  it('does not greet, and continues with the line after the last interviewer line it was given', async () => {
    const client = await connect();
    client.send(item('assistant', lines[0]!));
    client.send(item('user', '[candidate speech, 4.1 s]'));
    await new Promise((resolve) => setTimeout(resolve, 600));
    // No greeting on its own: a model given a conversation waits for its turn.
    expect(client.types()).not.toContain('response.created');
    client.send({ type: 'response.create' });
    const done = await client.waitFor((e) => e.type === 'response.output_audio_transcript.done', 20_000);
    expect(done['transcript']).toBe(lines[1]);
    const snapshot = sim.control.call(client.callId!);
    expect(snapshot?.context).toEqual({
      items: [
        { role: 'assistant', text: lines[0] },
        { role: 'user', text: '[candidate speech, 4.1 s]' },
      ],
      resumedAtLine: 1,
    });
    expect(snapshot?.linesSpoken).toEqual([1]);
  }, 30_000);

  it('starts from the beginning when given nothing (and says so in its snapshot)', async () => {
    const client = await connect();
    const done = await client.waitFor((e) => e.type === 'response.output_audio_transcript.done', 20_000);
    expect(done['transcript']).toBe(lines[0]);
    expect(sim.control.call(client.callId!)).toMatchObject({ context: { items: [], resumedAtLine: null }, linesSpoken: [0] });
  }, 30_000);

  it('takes a new session cap for calls started after it is set', async () => {
    sim.control.setSessionMaxSeconds(1);
    try {
      const client = await connect();
      const expired = await client.waitFor((e) => e.type === 'error', 5_000);
      expect(expired['error']).toMatchObject({ code: 'session_expired', message: 'Your session hit the maximum duration of 1 seconds.' });
    } finally {
      sim.control.setSessionMaxSeconds(3600);
    }
  }, 20_000);
});
