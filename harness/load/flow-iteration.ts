import { errorKindOfStatus, type ErrorKind } from '../metrics/error-kind.ts';
import type { StepStats } from '../metrics/step-stats.ts';
import { errorKindOfSendFailure, type HttpSender, type ResponseListener } from './http-sender.ts';
import { epochNowMs } from './precise-time.ts';
import type { SendPacer } from './closed-model-loop.ts';
import type { PreparedRequest } from '../flows/request-mix.ts';
import type { WorkerBuckets } from './worker-buckets.ts';
import type { CompiledCapture, CompiledFlow, CompiledStep } from '../flows/compiled-flow.ts';
import { valueAtPath } from '../flows/json-path.ts';
import type { TemplateScope } from '../flows/template.ts';
import { compileWire, RenderedTooLargeError, renderWire, type WireTemplate } from '../flows/wire-template.ts';

/** What every iteration of a worker shares. */
export interface FlowRunContext {
  sender: HttpSender;
  buckets: WorkerBuckets;
  steps: StepStats;
  env: Readonly<Record<string, string>>;
  /** Captured by setup: visible to every iteration. */
  shared: ReadonlyMap<string, string>;
  /** Record plain requests per name too (a scenario with flows, or SLOs by name). */
  recordPlainSteps: boolean;
  /** Closed model: every request takes a send slot (limits.maxRatePerSec). */
  pacer?: SendPacer;
  /** A response body a step captures from is kept up to this many bytes (load.maxCaptureBytes). */
  maxCaptureBytes: number;
  /** The Host header templated requests carry (the target's). */
  hostHeader: string;
}

/** Wire templates by step, compiled on first use: steps are the worker's own, for the whole run. */
const wires = new WeakMap<CompiledStep, WireTemplate>();

export interface IterationPlan {
  readonly phase: string;
  flow: CompiledFlow;
  /** Open model: the arrival's intended time (the first step's latency runs from it); closed: when the turn began. */
  startEpochMs: number;
  row: Readonly<Record<string, string>> | undefined;
  /** Closed model: pause between steps and after the last one. */
  think: boolean;
  /** No step starts after this (the phase's end). */
  stopAtEpochMs: number;
  stopped: () => boolean;
  onEnd: () => void;
}

function pauseMs(flow: CompiledFlow): number {
  const think = flow.thinkTime;
  return think ? think.minMs + Math.random() * (think.maxMs - think.minMs) : 0;
}

/** A header's value from the flat list as received (name any case; repeated ones joined with ", "). */
function headerValue(flat: readonly string[], lowerName: string): string | undefined {
  let value: string | undefined;
  for (let i = 0; i + 1 < flat.length; i += 2) {
    if (flat[i]!.toLowerCase() === lowerName) value = value === undefined ? flat[i + 1]! : `${value}, ${flat[i + 1]}`;
  }
  return value;
}

/** A capture's value, or undefined when the response does not have it. */
function capture(spec: CompiledCapture, headers: readonly string[], body: string): string | undefined {
  let value: string | undefined;
  if (spec.from === 'header') value = headerValue(headers, spec.header);
  else if (spec.from === 'regex') value = new RegExp(spec.regex).exec(body)?.[spec.group];
  else {
    try {
      value = valueAtPath(JSON.parse(body), spec.path);
    } catch {
      value = undefined;
    }
  }
  return value === undefined || value === '' ? undefined : value;
}

/**
 * One iteration of one flow: its steps in order on the worker's sender, each
 * filled from the iteration's variables (captures, its data row, the
 * environment, setup's captures). Each step is a request in the per-second
 * record and a record under its step name; a failed step (error status,
 * unexpected status, no response, a capture that found nothing) ends the
 * iteration, counted incomplete. Callbacks, not promises: the hot path.
 */
export class FlowIteration implements ResponseListener {
  private index = 0;
  private sentEpochMs = 0;
  /** Why the iteration stopped early, in words (setup reports it). */
  failure: string | undefined;
  /** The iteration's variables, made when a step first needs them (a plain request never does). */
  private scopeMade: TemplateScope | undefined;

  constructor(
    private readonly context: FlowRunContext,
    private readonly plan: IterationPlan,
  ) {}

  private get scope(): TemplateScope {
    this.scopeMade ??= { vars: new Map(this.context.shared), env: this.context.env, row: this.plan.row };
    return this.scopeMade;
  }

  private get vars(): Map<string, string> {
    return this.scope.vars as Map<string, string>;
  }

  start(): void {
    this.sendStep();
  }

  private get step(): CompiledStep {
    return this.plan.flow.steps[this.index]!;
  }

  private request(step: CompiledStep): PreparedRequest {
    // A step without templates or captures was prepared once at load.
    if (step.fixed) return step.fixed;
    let wire = wires.get(step);
    if (!wire) {
      wire = compileWire(step, this.context.hostHeader);
      wires.set(step, wire);
    }
    return {
      method: step.method,
      path: step.name,
      headers: {},
      wire: renderWire(wire, this.scope),
      oneOff: true,
      readResponse: step.captures.length > 0,
    };
  }

  private paced = false;

  private readonly sendStep = (): void => {
    if (this.index > 0 && (this.plan.stopped() || epochNowMs() >= this.plan.stopAtEpochMs)) return this.end(false);
    const pacer = this.context.pacer;
    if (pacer && !this.paced) {
      const now = epochNowMs();
      const slot = pacer.take(now);
      // A send slot past the phase's end (more users than the rate cap lets send in time): nothing is sent, and this
      // user waits out the phase (not a new turn at once: that would spin), so the phase ends on time.
      if (slot >= this.plan.stopAtEpochMs) {
        if (this.index > 0) return this.end(false);
        setTimeout(this.plan.onEnd, Math.max(0, this.plan.stopAtEpochMs - now));
        return;
      }
      if (slot - now >= 1) {
        this.paced = true;
        setTimeout(this.sendStep, slot - now);
        return;
      }
    }
    this.paced = false;
    if (this.plan.stopped()) return this.end(false);
    this.sentEpochMs = epochNowMs();
    // Closed model: the turn began at the first send (after any pacing).
    if (this.index === 0 && this.plan.think) this.plan.startEpochMs = this.sentEpochMs;
    let request: PreparedRequest;
    try {
      request = this.request(this.step);
    } catch (error) {
      if (!(error instanceof RenderedTooLargeError)) throw error;
      // Not sent: the step fails as a capture whose value could not be used, naming the step.
      this.failure = `step ${this.step.name}: ${error.message}`;
      this.context.buckets.recordFailure(this.plan.phase, this.timedFromMs, 'capture');
      this.recordStep(undefined, 'capture');
      setImmediate(() => this.end(false));
      return;
    }
    this.context.sender.send(request, this);
  };

  /** The first step of an open-model arrival is timed from its intended time; every other from its send. */
  private get timedFromMs(): number {
    return this.index === 0 ? this.plan.startEpochMs : this.sentEpochMs;
  }

  onStatus(status: number): void {
    this.completed(status, this.statusError(status));
  }

  onResponse(status: number, headers: readonly string[], body: string | undefined): void {
    let error = this.statusError(status);
    if (!error && body === undefined) {
      // The body was over the capture bound: read and dropped, never kept.
      error = 'capture';
      this.failure = `step ${this.step.name}: the HTTP ${status} response's body is over the ${this.context.maxCaptureBytes / 1_048_576} MiB ordeal keeps for captures (load.maxCaptureBytes); it was read and dropped`;
    } else if (!error && body !== undefined) {
      for (const spec of this.step.captures) {
        const value = capture(spec, headers, body);
        if (value === undefined) {
          error = 'capture';
          this.failure = `step ${this.step.name}: capture ${spec.variable} (${spec.source}) found nothing in the HTTP ${status} response`;
          break;
        }
        this.vars.set(spec.variable, value);
      }
    }
    this.completed(status, error);
  }

  onFailure(error: Error): void {
    const kind = errorKindOfSendFailure(error);
    this.failure = `step ${this.step.name}: no response (${error.message})`;
    this.context.buckets.recordFailure(this.plan.phase, this.timedFromMs, kind);
    this.recordStep(undefined, kind);
    // A failure can be reported synchronously (a closed pool): never recurse into the next iteration.
    setImmediate(() => this.end(false));
  }

  private statusError(status: number): ErrorKind | undefined {
    const expected = this.step.expectStatus;
    const error = expected ? (expected.includes(status) ? undefined : 'unexpected_status') : errorKindOfStatus(status);
    if (error)
      this.failure = `step ${this.step.name}: HTTP ${status}${expected ? ` (expected ${expected.join(' or ')})` : ''}`;
    return error;
  }

  /** The iteration's variables (setup hands its captures to every iteration). */
  get variables(): ReadonlyMap<string, string> {
    return this.vars;
  }

  private completed(status: number, error: ErrorKind | undefined): void {
    const now = epochNowMs();
    this.context.buckets.recordResponse(this.plan.phase, this.timedFromMs, now - this.timedFromMs, error);
    this.recordStep(now - this.timedFromMs, error, status);
    if (error) return this.end(false);
    this.index += 1;
    if (this.index >= this.plan.flow.steps.length) return this.end(true);
    const pause = this.plan.think ? pauseMs(this.plan.flow) : 0;
    if (pause >= 1) setTimeout(this.sendStep, pause);
    // After the event loop's turn, like a virtual user's next iteration: measured ~20 % more requests per second.
    else setImmediate(this.sendStep);
  }

  private recordStep(latencyMs: number | undefined, error: ErrorKind | undefined, status?: number): void {
    if (this.plan.flow.plain && !this.context.recordPlainSteps) return;
    this.context.steps.record(this.plan.phase, 'step', this.step.name, latencyMs, error, status);
  }

  private end(complete: boolean): void {
    const { phase, flow, startEpochMs } = this.plan;
    this.context.buckets.recordIteration(phase, startEpochMs);
    if (!flow.plain) {
      this.context.steps.record(phase, 'flow', flow.name, complete ? epochNowMs() - startEpochMs : undefined);
      if (!complete) this.context.steps.incomplete(phase, flow.name);
    }
    const pause = complete && this.plan.think ? pauseMs(flow) : 0;
    if (pause >= 1) setTimeout(this.plan.onEnd, pause);
    else this.plan.onEnd();
  }
}
