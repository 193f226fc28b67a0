import semver from 'semver';
import type { StationConfig } from '@interview-station/contracts';

/** What the updater is told to do, derived from the managed configuration alone. */
export type UpdaterSettings =
  | { readonly enabled: false; readonly reason: string }
  | {
      readonly enabled: true;
      /** The generic feed IT hosts (electron-builder's `latest*.yml` / `beta*.yml` files). */
      readonly feedUrl: string;
      /** electron-updater's channel name: `latest` for stable, `beta` for beta. */
      readonly channel: 'latest' | 'beta';
      readonly allowPrerelease: boolean;
      /** Always false: electron-updater turns it on when a channel is set; the station turns it off again. */
      readonly allowDowngrade: false;
      /** Always false: the station decides when to download (never during an interview). */
      readonly autoDownload: false;
      /** A downloaded update is installed when the station next quits (after a proctor's quit, a restart). */
      readonly autoInstallOnAppQuit: true;
    };

export function updaterSettings(updates: StationConfig['updates']): UpdaterSettings {
  if (updates === 'off') return { enabled: false, reason: 'updates are off in the managed configuration' };
  const beta = updates.channel === 'beta';
  return {
    enabled: true,
    feedUrl: updates.url,
    channel: beta ? 'beta' : 'latest',
    allowPrerelease: beta,
    allowDowngrade: false,
    autoDownload: false,
    autoInstallOnAppQuit: true,
  };
}

/** What the station does with the version a feed offers. */
export type OfferDecision =
  | { readonly action: 'download' }
  | { readonly action: 'ignore'; readonly reason: 'same-version' | 'older-version' | 'not-on-channel' | 'invalid-version' };

/**
 * Only a strictly newer version is taken: an older one (a feed rolled back, or a station moved
 * from beta to stable) is refused, never installed silently. The stable channel takes no
 * pre-release; beta takes both.
 */
export function decideOffer(currentVersion: string, offeredVersion: string, channel: 'stable' | 'beta'): OfferDecision {
  const current = semver.parse(currentVersion);
  const offered = semver.parse(offeredVersion);
  if (!current || !offered) return { action: 'ignore', reason: 'invalid-version' };
  if (channel === 'stable' && offered.prerelease.length > 0) return { action: 'ignore', reason: 'not-on-channel' };
  const order = semver.compare(offered, current);
  if (order === 0) return { action: 'ignore', reason: 'same-version' };
  if (order < 0) return { action: 'ignore', reason: 'older-version' };
  return { action: 'download' };
}
