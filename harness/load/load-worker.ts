/**
 * A load-generation worker thread: runs its share of each phase, records
 * per-second HDR histograms locally, and posts them (encoded deltas) to the
 * main thread every second and at the end.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createHttpSender } from './http-sender.ts';
import { runClosedPhase } from './closed-model-loop.ts';
import { runOpenPhase, type InFlight } from './open-model-loop.ts';
import { epochNowMs } from './precise-time.ts';
import { createRequestPicker } from './request-mix.ts';
import { WorkerBuckets } from './worker-buckets.ts';
import type { MainToWorker, PhaseCommand, WorkerSetup, WorkerToMain } from './worker-protocol.ts';

const setup = workerData as WorkerSetup;
const port = parentPort!;
const post = (message: WorkerToMain): void => port.postMessage(message);

const buckets = new WorkerBuckets();
const inFlight: InFlight = { count: 0 };
let stopRequested = false;
let closedModelConnections = 0;
const pick = createRequestPicker(
  setup.requests.map(({ request, weight }) => ({ ...request, weight })),
);
let sender = createHttpSender(setup.origin, setup.maxInFlight, setup.timeoutMs);
let queue = Promise.resolve();

const flush = (): void => {
  const out = buckets.flush();
  if (out.length > 0) post({ type: 'buckets', buckets: out });
};
const flushTimer = setInterval(flush, 1_000);

async function runPhase(command: PhaseCommand): Promise<void> {
  stopRequested = false;
  buckets.runStartMs = command.runStartEpochMs;
  if (command.model === 'closed' && command.vus > closedModelConnections) {
    // Each virtual user holds its own connection; grow the pool when a phase needs more.
    await sender.close();
    sender = createHttpSender(setup.origin, Math.max(command.vus, setup.maxInFlight), setup.timeoutMs);
    closedModelConnections = command.vus;
  }
  const stopped = (): boolean => stopRequested;
  if (command.model === 'open') {
    await runOpenPhase(command, { index: setup.workerIndex, count: setup.workerCount, maxInFlight: setup.maxInFlight }, sender, pick, buckets, inFlight, stopped);
  } else {
    await runClosedPhase(command, sender, pick, buckets, inFlight, stopped);
  }
  flush();
  post({ type: 'phaseDone', phase: command.phase });
}

async function drain(): Promise<void> {
  const deadlineMs = epochNowMs() + setup.timeoutMs + 1_000;
  while (inFlight.count > 0 && epochNowMs() < deadlineMs) await new Promise((resolve) => setTimeout(resolve, 5));
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
  const task = message.type === 'phase' ? () => runPhase(message) : drain;
  queue = queue.then(task).catch((error: Error) => post({ type: 'error', message: error.message }));
});
