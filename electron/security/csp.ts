/**
 * The renderer's Content-Security-Policy, sent as a header by both hosts: scripts and styles only
 * from the app itself, no plugins, no framing, no form posts; `connectSrc` adds the endpoints the
 * renderer must reach (the bridge in the web host, the Realtime API in direct mode).
 */
export function contentSecurityPolicy(connectSrc: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "media-src 'self' blob: mediastream:",
    `connect-src ${["'self'", ...connectSrc].join(' ')}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * What `connect-src` admits for the Realtime API: in direct mode the renderer posts its offer to
 * the configured `realtimeUrl`, so exactly that origin (scheme, host and port, no path, no
 * wildcard); in hybrid mode nothing, since the offer goes through main.
 */
export function realtimeConnectSources(config: { readonly connectionMode: 'hybrid' | 'direct'; readonly realtimeUrl: string } | null): string[] {
  if (!config || config.connectionMode !== 'direct') return [];
  return [new URL(config.realtimeUrl).origin];
}

/** Headers every renderer file is served with. */
export function rendererHeaders(contentType: string, csp: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
}
