import { originOf } from '../ipc/senderPolicy';

/**
 * The one permission the station grants: `media` for audio only (the microphone) to its own origin.
 * Every other permission, the camera, and media for any other origin are denied.
 */
export function isPermissionGranted(
  permission: string,
  requestingUrl: string | undefined,
  appOrigin: string,
  /** For a `media` request, what it asks for; only `['audio']` is granted (never the camera). */
  mediaTypes?: readonly string[],
): boolean {
  if (permission !== 'media' || originOf(requestingUrl) !== appOrigin) return false;
  return mediaTypes === undefined || (mediaTypes.length > 0 && mediaTypes.every((type) => type === 'audio'));
}
