// The one error type of the config area: a bad properties file, a known key with a bad value, or an
// inconsistent combination. Its message is a single line a user can act on.

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** The config key at fault, when there is one. */
  readonly configName: string | undefined;

  constructor(message: string, configName?: string) {
    super(message);
    this.configName = configName;
  }
}
