import type { StationError } from '@interview-station/contracts';

/** Shown instead of the station when its configuration is invalid: nothing runs half-configured. */
export function ConfigErrorScreen({ error }: { error: StationError }) {
  return (
    <section role="alert" aria-labelledby="config-error-title" className="config-error">
      <h2 id="config-error-title">This station is not configured correctly</h2>
      <p data-testid="config-error">{error.message}</p>
      <p>Interviews cannot start until the configuration is fixed. Please ask your IT team to correct the file named above.</p>
    </section>
  );
}
