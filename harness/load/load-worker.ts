/**
 * A load-generation worker thread: runs its share of each phase, records
 * per-second HDR histograms locally, and posts them (encoded deltas) to the
 * main thread every second and at the end.
 */
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { useTimeBaseAnchor } from '../clock/time-base.ts';
import { FlowIteration, type FlowRunContext } from './flow-iteration.ts';
import { RowSource } from './row-source.ts';
import { StepStats } from '../metrics/step-stats.ts';
import { runClosedPhase, SendPacer } from './closed-model-loop.ts';
import { connectionsNeeded } from './connections-needed.ts';
import { createHttpSender } from './create-http-sender.ts';
import { runOpenPhase, type InFlight, type StartIteration } from './open-model-loop.ts';
import { epochNowMs } from './precise-time.ts';
import { createWeightedPicker } from '../flows/request-mix.ts';
import { WorkerBuckets } from './worker-buckets.ts';
import type { MainToWorker, PhaseCommand, WarmUpCommand, WorkerSetup, WorkerToMain } from './worker-protocol.ts';

const setup = workerData as WorkerSetup;
// One time base with the main thread, before anything reads the time.
useTimeBaseAnchor(setup.timeBaseAnchorMs);
const port = parentPort!;
const post = (message: WorkerToMain): void => port.postMessage(message);
const worker = { index: setup.workerIndex, count: setup.workerCount, maxInFlight: setup.maxInFlight };

const buckets = new WorkerBuckets();
const inFlight: InFlight = { count: 0 };
/** Iterations under way (either model): drained before the worker closes. */
const running = { count: 0 };
let stopRequested = false;
const stopped = (): boolean => stopRequested;
const pickFlow = createWeightedPicker(setup.flows);
const sender = createHttpSender(
  new URL(setup.origin),
  setup.maxInFlight,
  setup.timeoutMs,
  setup.connectAddress,
  setup.maxCaptureBytes,
);
const steps = new StepStats('recording');
const rows = setup.data ? new RowSource(setup.data, setup.workerIndex, setup.workerCount) : undefined;
const shared = new Map(Object.entries(setup.shared));

/** Iterations of the scenario's flows into `into` (the phase's record, or a warm-up's scratch one). */
function iterationStarter(into: WorkerBuckets, intoSteps: StepStats, pacer?: SendPacer): StartIteration {
  const context: FlowRunContext = {
    sender,
    buckets: into,
    steps: intoSteps,
    env: setup.env,
    shared,
    recordPlainSteps: setup.recordPlainSteps,
    hostHeader: new URL(setup.origin).host,
    maxCaptureBytes: setup.maxCaptureBytes,
    ...(pacer ? { pacer } : {}),
  };
  return (phase, startEpochMs, turn, onEnd) => {
    const row = rows?.take();
    if (rows && row === undefined) return false;
    running.count += 1;
    const ended = (): void => {
      running.count -= 1;
      onEnd();
    };
    new FlowIteration(context, {
      phase,
      flow: pickFlow(),
      startEpochMs,
      row,
      think: turn.think,
      stopAtEpochMs: turn.stopAtEpochMs,
      stopped: turn.stopped,
      onEnd: ended,
    }).start();
    return true;
  };
}
/** Median latency seen while warming up: how many connections a rate needs. */
let latencyEstimateMs = 1;
let queue = Promise.resolve();

const flush = (): void => {
  const out = buckets.flush();
  const stepRecords = steps.drain();
  if (out.length > 0 || stepRecords.length > 0)
    post({ type: 'buckets', buckets: out, steps: stepRecords, heapUsedBytes: getHeapStatistics().used_heap_size });
};
const flushTimer = setInterval(flush, 1_000);

/** Opens (without sending anything) the connections a phase needs, bounded in time. */
async function openConnections(command: { model: 'open' | 'closed'; ratePerSec: number; vus: number }): Promise<void> {
  const needed =
    command.model === 'closed'
      ? command.vus
      : connectionsNeeded(command.ratePerSec / worker.count, latencyEstimateMs, worker.maxInFlight);
  sender.growTo?.(needed);
  const boundMs = Math.min(setup.timeoutMs, 1_000);
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([sender.preconnect?.(needed), new Promise((resolve) => (timer = setTimeout(resolve, boundMs)))]);
  clearTimeout(timer);
}

/** Untimed requests that go into a throwaway record: they warm the send path and open connections, and are never counted. */
async function warmUp(command: WarmUpCommand): Promise<void> {
  stopRequested = false;
  const scratch = new WorkerBuckets();
  let sent = 0;
  if (command.durationMs > 0) {
    const phase: PhaseCommand = {
      type: 'phase',
      phase: 'warm-up',
      runStartEpochMs: epochNowMs(),
      startEpochMs: epochNowMs(),
      durationMs: command.durationMs,
      model: command.model,
      fromRatePerSec: command.ratePerSec,
      toRatePerSec: command.ratePerSec,
      vus: command.vus,
      maxRatePerSec: command.maxRatePerSec,
    };
    scratch.runStartMs = phase.runStartEpochMs;
    // Warm-up draws rows too ("unique" rows used here are not used again): it is real traffic, only unrecorded.
    if (command.model === 'open')
      await runOpenPhase(
        phase,
        worker,
        iterationStarter(scratch, new StepStats('recording')),
        scratch,
        inFlight,
        stopped,
      );
    else {
      sender.growTo?.(command.vus);
      await runClosedPhase(
        phase,
        iterationStarter(scratch, new StepStats('recording'), new SendPacer(command.maxRatePerSec)),
        stopped,
      );
    }
    sent = scratch.requestCount();
    latencyEstimateMs = scratch.medianLatencyMs() ?? latencyEstimateMs;
  }
  if (!stopRequested) await openConnections(command);
  post({ type: 'warmedUp', sent, connections: (sender as { openConnections?: number }).openConnections ?? 0 });
}

async function runPhase(command: PhaseCommand): Promise<void> {
  stopRequested = false;
  buckets.runStartMs = command.runStartEpochMs;
  let lastSendEpochMs: number | undefined;
  let rowsRanOut = false;
  if (command.model === 'open') {
    const result = await runOpenPhase(command, worker, iterationStarter(buckets, steps), buckets, inFlight, stopped);
    lastSendEpochMs = result.lastSendEpochMs;
    rowsRanOut = result.rowsRanOut === true;
  } else {
    // Each virtual user holds its own connection.
    sender.growTo?.(command.vus);
    await runClosedPhase(command, iterationStarter(buckets, steps, new SendPacer(command.maxRatePerSec)), stopped);
    rowsRanOut = rows?.exhausted === true;
  }
  flush();
  post({ type: 'phaseDone', phase: command.phase, lastSendEpochMs, ...(rowsRanOut ? { rowsRanOut } : {}) });
}

async function drain(): Promise<void> {
  const deadlineMs = epochNowMs() + setup.timeoutMs + 1_000;
  while ((inFlight.count > 0 || running.count > 0) && epochNowMs() < deadlineMs)
    await new Promise((resolve) => setTimeout(resolve, 5));
  clearInterval(flushTimer);
  flush();
  await sender.close().catch(() => undefined);
  post({ type: 'drained' });
}

post({ type: 'ready' });

port.on('message', (message: MainToWorker) => {
  if (message.type === 'stop') {
    stopRequested = true;
    return;
  }
  const task =
    message.type === 'phase' ? () => runPhase(message) : message.type === 'warmUp' ? () => warmUp(message) : drain;
  queue = queue.then(task).catch((error: Error) => post({ type: 'error', message: error.message }));
});
