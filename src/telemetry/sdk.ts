import { metrics, trace } from '@opentelemetry/api';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MeterProvider, PeriodicExportingMetricReader, type MetricReader } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { resetInstruments } from './metrics.js';

export interface TelemetryOptions {
  /** Serve Prometheus text on the HTTP server's /metrics. */
  readonly prometheus: boolean;
  /** OTLP/HTTP endpoint base, e.g. http://collector:4318; metrics and traces go there. */
  readonly otlpEndpoint?: string;
  /** How often metrics are pushed over OTLP. Milliseconds; default 15000. */
  readonly otlpIntervalMs?: number;
}

export interface TelemetrySdk {
  /** True when a tracer provider is registered (OTLP configured); spans are no-ops otherwise. */
  readonly tracing: boolean;
  /** Writes the Prometheus exposition; undefined when Prometheus is off. */
  readonly metricsHandler?: (req: IncomingMessage, res: ServerResponse) => void;
  shutdown(): Promise<void>;
}

/**
 * Wires the OpenTelemetry SDK in at start-up when metrics or traces are enabled; the rest of the
 * code only talks to @opentelemetry/api and stays a no-op otherwise.
 */
export function startTelemetry(opts: TelemetryOptions): TelemetrySdk {
  const resource = resourceFromAttributes({ 'service.name': 'authwatch' });
  const readers: MetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (opts.prometheus) {
    prometheus = new PrometheusExporter({ preventServerStart: true });
    readers.push(prometheus);
  }
  if (opts.otlpEndpoint) {
    readers.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/metrics` }),
        exportIntervalMillis: opts.otlpIntervalMs ?? 15_000,
      }),
    );
  }
  const meterProvider = readers.length > 0 ? new MeterProvider({ resource, readers }) : undefined;
  if (meterProvider) {
    // The API accepts one global provider per process; a previous one (an earlier daemon in
    // the same process, e.g. in tests) is released first.
    metrics.disable();
    metrics.setGlobalMeterProvider(meterProvider);
    resetInstruments();
  }
  const tracerProvider = opts.otlpEndpoint
    ? new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${opts.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))] })
    : undefined;
  if (tracerProvider) {
    trace.disable();
    trace.setGlobalTracerProvider(tracerProvider);
  }
  return {
    tracing: tracerProvider !== undefined,
    ...(prometheus ? { metricsHandler: (req: IncomingMessage, res: ServerResponse) => prometheus.getMetricsRequestHandler(req, res) } : {}),
    /** Flushes the exporters (a last OTLP push) and puts the API back to no-ops. */
    async shutdown() {
      await Promise.allSettled([meterProvider?.shutdown(), tracerProvider?.shutdown()]);
      if (meterProvider) {
        metrics.disable();
        resetInstruments();
      }
      if (tracerProvider) trace.disable();
    },
  };
}
