import type { IpcChannel } from '@interview-station/contracts';

const SESSION = '4f1c2a52-7b4e-4c8f-9d0a-0b6c1d2e3f40';
const TEMPLATE = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';
const NOW = '2026-11-21T10:00:00.000Z';

/** One valid input for every IPC channel; the contract tests and the IPC tests start from these. */
export const VALID_IPC_INPUTS: Record<IpcChannel, unknown> = {
  'app:info': {},
  'config:get': {},
  'auth:sign-in': { email: 'proctor@example.com', password: 'correct horse' },
  'auth:sign-out': {},
  'auth:state': {},
  'interview:start': { templateId: TEMPLATE, candidateRef: 'CAND-0042', consent: { noticeVersion: '2026-12-v1', acceptedAt: NOW } },
  'interview:templates': {},
  'interview:live': { sessionId: SESSION },
  'interview:end': { sessionId: SESSION, reason: 'completed' },
  'interview:active': {},
  'interview:list-local': {},
  'realtime:token': { sessionId: SESSION },
  'realtime:sdp-offer': { sessionId: SESSION, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' },
  'transcript:append': { sessionId: SESSION, itemId: 'item_1', contentIndex: 0, speaker: 'ai', content: 'Welcome.', speechStartedAt: NOW },
  'transcript:append-batch': {
    sessionId: SESSION,
    entries: [{ sessionId: SESSION, itemId: 'item_1', contentIndex: 0, speaker: 'ai', content: 'Welcome.', speechStartedAt: NOW }],
  },
  'transcript:list': { sessionId: SESSION },
  'transcript:export': { sessionId: SESSION, format: 'text' },
  'sync:status': {},
  'network:state': {},
  'station:health': {},
  'proctor:unlock': { pin: '123456', action: 'exit-kiosk' },
};
