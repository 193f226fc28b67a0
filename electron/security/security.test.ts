import { mkdtemp, mkdir, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { contentSecurityPolicy, realtimeConnectSources } from './csp';
import { isPermissionGranted } from './permissions';
import { readStaticAsset } from './staticAssets';

describe('permission handler', () => {
  it('grants the microphone to the app origin only, never the camera', () => {
    expect(isPermissionGranted('media', 'app://station/index.html', 'app://station', ['audio'])).toBe(true);
    expect(isPermissionGranted('media', 'app://station/index.html', 'app://station', ['audio', 'video'])).toBe(false);
    expect(isPermissionGranted('media', 'app://station/index.html', 'app://station', ['video'])).toBe(false);
    expect(isPermissionGranted('media', 'app://station/index.html', 'app://station', [])).toBe(false);
    expect(isPermissionGranted('media', 'https://evil.example/', 'app://station')).toBe(false);
    expect(isPermissionGranted('media', undefined, 'app://station')).toBe(false);
  });

  it.each(['geolocation', 'notifications', 'clipboard-read', 'display-capture', 'openExternal', 'midi'])('denies %s even to the app', (permission) => {
    expect(isPermissionGranted(permission, 'app://station/index.html', 'app://station')).toBe(false);
  });
});

describe('content security policy', () => {
  it('allows scripts from the app only and adds the given connect sources', () => {
    const csp = contentSecurityPolicy(['ws://127.0.0.1:5000']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("connect-src 'self' ws://127.0.0.1:5000");
    expect(csp).toContain("object-src 'none'");
  });

  it('admits the configured Realtime origin in direct mode only, and nothing wider', () => {
    expect(realtimeConnectSources({ connectionMode: 'direct', realtimeUrl: 'https://api.openai.com' })).toEqual(['https://api.openai.com']);
    // A path or trailing parts never widen it past the origin; a local simulator keeps its port.
    expect(realtimeConnectSources({ connectionMode: 'direct', realtimeUrl: 'http://127.0.0.1:4321/v1/' })).toEqual(['http://127.0.0.1:4321']);
    expect(realtimeConnectSources({ connectionMode: 'hybrid', realtimeUrl: 'https://api.openai.com' })).toEqual([]);
    expect(realtimeConnectSources(null)).toEqual([]);
    const csp = contentSecurityPolicy(realtimeConnectSources({ connectionMode: 'direct', realtimeUrl: 'https://api.openai.com' }));
    expect(csp).toContain("connect-src 'self' https://api.openai.com;");
    expect(csp).not.toMatch(/connect-src[^;]*(\*|https:(\s|;))/);
  });
});

describe('static assets', () => {
  let root: string;
  let outside: string;
  beforeAll(async () => {
    const base = await mkdtemp(path.join(tmpdir(), 'station-static-'));
    root = path.join(base, 'renderer');
    outside = path.join(base, 'secret.json');
    await mkdir(path.join(root, 'assets'), { recursive: true });
    await writeFile(path.join(root, 'index.html'), '<!doctype html><title>station</title>');
    await writeFile(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(outside, '{"apiKey":"sk-live"}');
    await symlink(outside, path.join(root, 'assets', 'link.json'));
  });

  it('serves index.html for / and files under the root with their type', async () => {
    expect((await readStaticAsset(root, '/'))?.contentType).toMatch(/text\/html/);
    const js = await readStaticAsset(root, '/assets/app.js');
    expect(js?.body.toString()).toBe('console.log(1)');
    expect(js?.contentType).toMatch(/javascript/);
  });

  it.each(['/../secret.json', '/assets/../../secret.json', '/%2e%2e/secret.json', '/..%2fsecret.json', '/assets/link.json', '/assets/%00app.js', '/assets\\..\\..\\secret.json', '/%E0%A4%A', '/missing.js', '/assets/app.exe'])(
    'refuses %s',
    async (urlPath) => {
      expect(await readStaticAsset(root, urlPath)).toBeNull();
    },
  );
});
