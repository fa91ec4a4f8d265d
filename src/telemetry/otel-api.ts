import type * as OtelApi from '@opentelemetry/api';

/**
 * The OpenTelemetry API, loaded by the long-running processes (the daemon and the filter role,
 * at start) and not by one-shot commands. Without a registered provider every instrument and
 * span is a no-op anyway, and loading the API took ~15 ms of a `scan`'s ~170 ms start-up.
 * Until it is loaded, metrics.ts and tracing.ts do nothing.
 */
let api: typeof OtelApi | undefined;

export const otelApi = (): typeof OtelApi | undefined => api;

export async function loadOtelApi(): Promise<typeof OtelApi> {
  return (api ??= await import('@opentelemetry/api'));
}
