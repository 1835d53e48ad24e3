import { faultTargetOf } from '../scenario/fault-schema.ts';
import { Counter, Gauge, Registry } from 'prom-client';
import { ERROR_KINDS } from '../metrics/error-kind.ts';
import { mergedLatencyHistogram } from '../metrics/latency-histogram.ts';
import type { RunEvents } from '../events/run-events.ts';
import { HdrHistogramMetric } from './hdr-histogram-metric.ts';

/**
 * ordeal's own metrics during a run, for a game-day board that overlays
 * ordeal on the service: requests, errors, latency by phase, the current
 * phase, target and achieved rate, and the faults in place. Fed by run events
 * only. Its registry is its own (never prom-client's global one).
 */
export class RunTelemetry {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'ordeal_requests_total',
    help: 'Requests completed (or failed), by phase',
    labelNames: ['phase'],
    registers: [this.registry],
  });
  private readonly errors = new Counter({
    name: 'ordeal_errors_total',
    help: 'Failed requests, by phase and kind (http_4xx, http_5xx, timeout, connection)',
    labelNames: ['phase', 'kind'],
    registers: [this.registry],
  });
  private readonly dropped = new Counter({
    name: 'ordeal_dropped_arrivals_total',
    help: 'Open-model arrivals not sent because the in-flight cap was full, by phase',
    labelNames: ['phase'],
    registers: [this.registry],
  });
  private readonly latency = new HdrHistogramMetric(
    'ordeal_request_duration_seconds',
    'Request latency from the intended send time, by phase',
    this.registry,
  );
  private readonly phase = new Gauge({
    name: 'ordeal_phase_active',
    help: '1 for the phase running now, 0 for the others',
    labelNames: ['phase', 'index'],
    registers: [this.registry],
  });
  private readonly targetRate = new Gauge({
    name: 'ordeal_target_rate_per_second',
    help: 'Intended arrivals per second now',
    registers: [this.registry],
  });
  private readonly achievedRate = new Gauge({
    name: 'ordeal_achieved_rate_per_second',
    help: 'Requests completed in the last whole second',
    registers: [this.registry],
  });
  private readonly faults = new Gauge({
    name: 'ordeal_fault_active',
    help: '1 while a fault is in place, by proxy and kind',
    labelNames: ['proxy', 'kind', 'fault'],
    registers: [this.registry],
  });
  private readonly info = new Gauge({
    name: 'ordeal_run_info',
    help: 'The run in progress (value 1)',
    labelNames: ['run_id', 'scenario'],
    registers: [this.registry],
  });

  constructor(events: RunEvents, scenarioName: string) {
    let phases: { name: string; index: number }[] = [];
    events.on('runStarted', ({ runId, timeline }) => {
      phases = timeline.phases;
      this.info.set({ run_id: runId, scenario: scenarioName }, 1);
      timeline.phases.forEach((p) => {
        this.phase.set({ phase: p.name, index: String(p.index) }, 0);
        this.requests.inc({ phase: p.name }, 0);
        this.dropped.inc({ phase: p.name }, 0);
        for (const kind of ERROR_KINDS) this.errors.inc({ phase: p.name, kind }, 0);
      });
    });
    events.on('phaseStarted', ({ phase }) => {
      for (const p of phases) this.phase.set({ phase: p.name, index: String(p.index) }, p.name === phase.name ? 1 : 0);
    });
    events.on('phaseEnded', ({ phase }) => this.phase.set({ phase: phase.name, index: String(phase.index) }, 0));
    events.on('faultApplied', ({ fault }) =>
      this.faults.set({ proxy: faultTargetOf(fault.fault), kind: fault.fault.kind, fault: fault.id }, 1),
    );
    events.on('faultRemoved', ({ fault }) =>
      this.faults.set({ proxy: faultTargetOf(fault.fault), kind: fault.fault.kind, fault: fault.id }, 0),
    );
    events.on('progress', (p) => {
      this.targetRate.set(p.targetRatePerSec);
      this.achievedRate.set(p.achievedRatePerSec);
    });
    events.on('secondsRecorded', ({ buckets }) => {
      for (const bucket of buckets) {
        this.requests.inc({ phase: bucket.phase }, bucket.requests);
        this.dropped.inc({ phase: bucket.phase }, bucket.dropped);
        for (const kind of ERROR_KINDS)
          if (bucket.errors[kind] > 0) this.errors.inc({ phase: bucket.phase, kind }, bucket.errors[kind]);
        // A dense copy: the bucket bounds are found by percentile reads, slow on a packed histogram.
        this.latency.add(bucket.phase, mergedLatencyHistogram([bucket.latency]));
      }
    });
    events.on('runEnded', () => {
      for (const p of phases) this.phase.set({ phase: p.name, index: String(p.index) }, 0);
      this.faults.reset();
      this.targetRate.set(0);
      this.achievedRate.set(0);
    });
  }
}
