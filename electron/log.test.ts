import { describe, expect, it } from 'vitest';
import { createLogger } from './log';

describe('logger', () => {
  it('redacts secrets and transcript text, keeps ids', () => {
    const lines: string[] = [];
    const log = createLogger('test', (line) => lines.push(line));
    log.info('signed in', {
      sessionId: 's-1',
      tenantId: 't-1',
      accessToken: 'eyJhbGciOi.secret',
      request: { authorization: 'Bearer sk-live-123', path: '/api' },
      content: 'I was fired for fraud',
      password: 'hunter2',
      batches: [{ sessionId: 's-1', transcript: 'my salary was 90k' }],
    });
    const text = lines.join('\n');
    for (const secret of ['eyJhbGciOi.secret', 'sk-live-123', 'I was fired for fraud', 'hunter2', 'my salary was 90k']) expect(text).not.toContain(secret);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: 'info', scope: 'test', sessionId: 's-1', tenantId: 't-1', request: { path: '/api' } });
  });
});
