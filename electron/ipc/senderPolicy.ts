/** Who sent an IPC call: the frame's URL and whether it is the station window's main frame. */
export interface IpcSender {
  readonly url: string | undefined;
  readonly isMainFrame: boolean;
}

export type SenderPolicy = (sender: IpcSender) => boolean;

/**
 * `scheme://host[:port]` of a URL, also for custom schemes such as `app://station` (for which the
 * WHATWG `origin` property is the opaque "null"). Undefined when the URL does not parse.
 */
export function originOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.host === '') return undefined;
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return undefined;
  }
}

/** Trusts only the main frame of a page served from the station's own origin. */
export function appOriginPolicy(appOrigin: string): SenderPolicy {
  return (sender) => sender.isMainFrame && originOf(sender.url) === appOrigin;
}
