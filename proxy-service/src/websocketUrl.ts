import { withSlash } from './config';

/** The SDP proxy WebSocket of a service reachable at `base` (http→ws, https→wss), path `/ws`. */
export function websocketUrlOf(base: string): string {
  const url = new URL('ws', withSlash(base));
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
