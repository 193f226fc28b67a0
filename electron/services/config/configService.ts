import { publicConfigOf, type PublicConfig, type StationConfig } from '@interview-station/contracts';

/**
 * Holds the station's resolved configuration. For now the host passes the schema's defaults;
 * the managed policy file and per-user layers arrive with the main-process issue.
 */
export class ConfigService {
  constructor(private readonly config: StationConfig) {}

  current(): StationConfig {
    return this.config;
  }

  /** What the renderer may see: no keys, no PIN hash. */
  publicView(): PublicConfig {
    return publicConfigOf(this.config);
  }
}
