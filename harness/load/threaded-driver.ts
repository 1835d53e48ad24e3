import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { OrdealError } from '../errors/ordeal-error.ts';
import { decodeLatencyHistogram } from '../metrics/latency-histogram.ts';
import type { PhaseRecorder } from '../metrics/phase-recorder.ts';
import type { LoadDriver, LoadTarget, PhaseLoad, PhaseSendWindow } from './load-driver.ts';
import { epochNowMs } from './precise-time.ts';
import { DEFAULT_MAX_CAPTURE_BYTES } from './http-sender.ts';
import { timeBaseAnchorMs } from '../clock/time-base.ts';
import { compileRequests } from '../flows/compile-flows.ts';
import { RUNS_COMPILED } from '../process/module-entry.ts';
import type { MainToWorker, WorkerSetup, WorkerToMain } from './worker-protocol.ts';

// Compiled, the worker is plain JavaScript; from the sources, a small .mjs entry registers tsx first.
const WORKER_ENTRY = new URL(RUNS_COMPILED ? './load-worker.js' : './load-worker-entry.mjs', import.meta.url);
const PHASE_START_LEAD_MS = 20;

export function defaultWorkerCount(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export interface ThreadedDriverOptions {
  model: 'open' | 'closed';
  workers?: number;
  /** Open model: cap on requests in flight across all workers. */
  maxInFlight?: number;
  /** The scenario's limits.maxRatePerSec: the closed model is paced to stay under it. */
  maxRatePerSec?: number;
}

/**
 * ordeal's own generator: worker threads, each sending its share of the load
 * (open model: arrivals at intended times; closed model: virtual users),
 * recording per-second HDR histograms that are merged exactly here.
 */
export class ThreadedDriver implements LoadDriver {
  readonly name = 'ordeal';
  readonly model: 'open' | 'closed';
  private readonly workerCount: number;
  private readonly maxInFlight: number;
  private readonly maxRatePerSec: number;
  private workers: Worker[] = [];
  private readonly workerHeaps = new Map<Worker, number>();
  private recorder?: PhaseRecorder;
  private failure?: string;

  constructor(options: ThreadedDriverOptions) {
    this.model = options.model;
    this.workerCount = options.workers ?? defaultWorkerCount();
    this.maxInFlight = options.maxInFlight ?? 2_000;
    this.maxRatePerSec = options.maxRatePerSec ?? Number.POSITIVE_INFINITY;
  }

  /** Starts the workers and waits until each has loaded, so no phase begins while a worker is still compiling. */
  async prepare(load: LoadTarget): Promise<void> {
    if (this.workers.length > 0) return;
    const flows = load.flows ?? { inputs: compileRequests(load.requests), shared: {}, recordPlainSteps: false };
    for (let workerIndex = 0; workerIndex < this.workerCount; workerIndex++) {
      const setup: WorkerSetup = {
        workerIndex,
        workerCount: this.workerCount,
        origin: load.baseUrl.origin,
        connectAddress: load.connectAddress,
        flows: flows.inputs.flows,
        ...(flows.inputs.data ? { data: flows.inputs.data } : {}),
        env: flows.inputs.env,
        shared: flows.shared,
        recordPlainSteps: flows.recordPlainSteps,
        maxInFlight: Math.max(1, Math.ceil(this.maxInFlight / this.workerCount)),
        timeoutMs: load.timeoutMs,
        maxCaptureBytes: load.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES,
        timeBaseAnchorMs: timeBaseAnchorMs(),
      };
      const worker = new Worker(WORKER_ENTRY, { workerData: setup });
      worker.on('message', (message: WorkerToMain) => this.onMessage(message, worker));
      worker.on('error', (error) => (this.failure ??= `load worker failed: ${error.message}`));
      this.workers.push(worker);
    }
    await Promise.all(this.workers.map((worker) => this.awaitReply(worker, (reply) => reply.type === 'ready')));
    if (this.failure) throw new OrdealError('ORDEAL_ERR_LOAD', this.failure);
  }

  /** The load workers' heaps in use, summed (each as of its last flush); undefined before any flushed. */
  workersHeapUsedBytes(): number | undefined {
    if (this.workerHeaps.size === 0) return undefined;
    return [...this.workerHeaps.values()].reduce((sum, bytes) => sum + bytes, 0);
  }

  private onMessage(message: WorkerToMain, worker: Worker): void {
    if (message.type === 'buckets') {
      this.workerHeaps.set(worker, message.heapUsedBytes);
      for (const bucket of message.buckets) {
        this.recorder!.merge(bucket.phase, bucket.second, {
          ...bucket,
          latency: decodeLatencyHistogram(bucket.latency),
          sendLag: decodeLatencyHistogram(bucket.sendLag),
        });
      }
      for (const step of message.steps) this.recorder!.steps.merge(step);
    } else if (message.type === 'error') {
      this.failure ??= `load worker failed: ${message.message}`;
    }
  }

  /** Posts `message` to one worker; resolves on the first reply that `isReply` accepts, or when the worker exits. */
  private request(worker: Worker, message: MainToWorker, isReply: (reply: WorkerToMain) => boolean): Promise<void> {
    const replied = this.awaitReply(worker, isReply);
    worker.postMessage(message);
    return replied;
  }

  private awaitReply(worker: Worker, isReply: (reply: WorkerToMain) => boolean): Promise<void> {
    return new Promise<void>((resolve) => {
      const onMessage = (reply: WorkerToMain): void => {
        if (isReply(reply)) done();
      };
      const done = (): void => {
        worker.off('message', onMessage);
        worker.off('exit', done);
        resolve();
      };
      worker.on('message', onMessage);
      worker.once('exit', done);
    });
  }

  /** This worker's share of `total` virtual users. */
  private vusOf(index: number, total: number): number {
    return Math.floor(total / this.workerCount) + (index < total % this.workerCount ? 1 : 0);
  }

  /** Posts `stop` to every worker while `signal` is aborted during `work`. */
  private async stoppable<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
    const stop = (): void => this.workers.forEach((w) => w.postMessage({ type: 'stop' } satisfies MainToWorker));
    if (signal.aborted) stop();
    signal.addEventListener('abort', stop, { once: true });
    try {
      return await work();
    } finally {
      signal.removeEventListener('abort', stop);
    }
  }

  async warmUp(load: PhaseLoad, durationMs: number, signal: AbortSignal): Promise<{ requests: number }> {
    await this.prepare(load);
    const { phase } = load;
    const vusTotal = load.vus ?? load.connections;
    let requests = 0;
    await this.stoppable(signal, () =>
      Promise.all(
        this.workers.map((worker, index) => {
          const command: MainToWorker = {
            type: 'warmUp',
            durationMs,
            model: this.model,
            ratePerSec: Math.max(phase.fromRatePerSec, phase.toRatePerSec),
            vus: this.vusOf(index, vusTotal),
            maxRatePerSec: this.maxRatePerSec / this.workerCount,
          };
          return this.request(worker, command, (reply) => {
            if (reply.type !== 'warmedUp') return false;
            requests += reply.sent;
            return true;
          });
        }),
      ),
    );
    if (this.failure) throw new OrdealError('ORDEAL_ERR_LOAD', this.failure);
    return { requests };
  }

  async runPhase(load: PhaseLoad, recorder: PhaseRecorder, signal: AbortSignal): Promise<PhaseSendWindow> {
    await this.prepare(load);
    this.recorder = recorder;
    const { phase } = load;
    const vusTotal = load.vus ?? load.connections;
    const startEpochMs = Math.max(epochNowMs() + PHASE_START_LEAD_MS, recorder.runStartMs);
    let lastSendEpochMs = startEpochMs + phase.durationMs;
    await this.stoppable(signal, () =>
      Promise.all(
        this.workers.map((worker, index) => {
          const command: MainToWorker = {
            type: 'phase',
            phase: phase.name,
            runStartEpochMs: recorder.runStartMs,
            startEpochMs,
            durationMs: phase.durationMs,
            model: this.model,
            fromRatePerSec: phase.fromRatePerSec,
            toRatePerSec: phase.toRatePerSec,
            vus: this.vusOf(index, vusTotal),
            maxRatePerSec: this.maxRatePerSec / this.workerCount,
          };
          return this.request(worker, command, (reply) => {
            if (reply.type !== 'phaseDone' || reply.phase !== phase.name) return false;
            if (reply.rowsRanOut) recorder.rowsRanOut.add(phase.name);
            lastSendEpochMs = Math.max(lastSendEpochMs, reply.lastSendEpochMs ?? 0);
            return true;
          });
        }),
      ),
    );
    if (this.failure) throw new OrdealError('ORDEAL_ERR_LOAD', this.failure);
    // A phase cut short (abort) ran until now; one that ran out sent until its last request (or its planned end).
    return { startMs: startEpochMs, endMs: signal.aborted ? Math.min(epochNowMs(), lastSendEpochMs) : lastSendEpochMs };
  }

  async close(): Promise<void> {
    if (this.workers.length === 0) return;
    await Promise.all(
      this.workers.map((worker) => this.request(worker, { type: 'drain' }, (reply) => reply.type === 'drained')),
    );
    await Promise.all(this.workers.map((worker) => worker.terminate()));
    this.workers = [];
  }
}
