import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLogger } from './log';
import { fileSink } from './logFile';

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

describe('logger level and redaction by value', () => {
  it('writes debug lines only once the level allows them, for children too', () => {
    const lines: string[] = [];
    const log = createLogger('main', (line) => lines.push(line));
    const child = log.child('updates');
    child.debug('hidden');
    log.setLevel('debug');
    child.debug('shown');
    log.setLevel('error');
    child.warn('hidden too');
    log.error('kept');
    expect(lines.map((l) => JSON.parse(l) as { message: string; scope: string })).toEqual([
      expect.objectContaining({ message: 'shown', scope: 'main.updates', level: 'debug' }),
      expect.objectContaining({ message: 'kept', scope: 'main', level: 'error' }),
    ]);
  });

  it('scrubs secrets from messages, error texts and innocently named fields', () => {
    const lines: string[] = [];
    const log = createLogger('main', (line) => lines.push(line));
    log.addSecret('refresh-9f8e7d6c5b');
    log.addSecret('short'); // too short to scrub without mangling ordinary words
    const jwt = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1LTEifQ.c2lnbmF0dXJl';
    log.error(`upload failed with Bearer ${jwt}`, {
      error: new Error('refused ek_abcdef123456 for refresh-9f8e7d6c5b'),
      detail: 'sk-proj-0123456789',
      hash: 'scrypt$32768$8$1$c2FsdA==$aGFzaA==',
      note: 'a short word',
    });
    const line = lines[0] ?? '';
    for (const secret of [jwt, 'ek_abcdef123456', 'refresh-9f8e7d6c5b', 'sk-proj-0123456789', 'c2FsdA==$aGFzaA==']) expect(line).not.toContain(secret);
    expect(JSON.parse(line)).toMatchObject({ message: 'upload failed with [redacted]', note: 'a short word' });
  });
});

describe('file log', () => {
  it('rotates by size, keeps the newest files, 0600 in a 0700 folder', () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'station-log-')), 'logs');
    const sink = fileSink({ dir, maxBytes: 200, keep: 2 });
    const log = createLogger('main', sink);
    for (let i = 0; i < 12; i++) log.info(`line ${i}`, { sessionId: 's-1' });
    sink.close();
    expect(readdirSync(dir).sort()).toEqual(['main.1.log', 'main.2.log', 'main.log']);
    const current = readFileSync(path.join(dir, 'main.log'), 'utf8');
    expect(current).toContain('"message":"line 11"');
    for (const file of readdirSync(dir)) expect(statSync(path.join(dir, file)).size).toBeLessThanOrEqual(200);
    const all = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');
    expect(all).not.toContain('"line 0"'); // older than the kept files: gone
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(path.join(dir, 'main.log')).mode & 0o777).toBe(0o600);
    rmSync(path.dirname(dir), { recursive: true, force: true });
  });

  it('appends to the file an earlier run left', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'station-log-'));
    const first = fileSink({ dir });
    first('{"message":"before restart"}');
    first.close();
    const second = fileSink({ dir });
    second('{"message":"after restart"}');
    second.close();
    expect(readFileSync(path.join(dir, 'main.log'), 'utf8').trim().split('\n')).toHaveLength(2);
    rmSync(dir, { recursive: true, force: true });
  });
});
