import { originOf } from '../ipc/senderPolicy';

/**
 * The one permission the station grants: `media` (the microphone) to its own origin. Every other
 * permission, and media for any other origin, is denied.
 */
export function isPermissionGranted(permission: string, requestingUrl: string | undefined, appOrigin: string): boolean {
  return permission === 'media' && originOf(requestingUrl) === appOrigin;
}
