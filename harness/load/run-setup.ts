import { OrdealError } from '../errors/ordeal-error.ts';
import { DEFAULT_MAX_CAPTURE_BYTES } from './http-sender.ts';
import { createHttpSender } from './create-http-sender.ts';
import { epochNowMs } from './precise-time.ts';
import { WorkerBuckets } from './worker-buckets.ts';
import { StepStats } from '../metrics/step-stats.ts';
import type { FlowInputs } from '../flows/compiled-flow.ts';
import { FlowIteration } from './flow-iteration.ts';

export interface SetupTarget {
  baseUrl: URL;
  connectAddress?: string;
  timeoutMs: number;
  maxCaptureBytes?: number;
}

/**
 * k6's setup(): the setup steps once, in order, before the first phase, on
 * their own connection, recorded nowhere. Returns what they captured, for
 * every iteration. A failed step stops the run before any load (exit 3),
 * saying which step and why.
 */
export async function runSetup(inputs: FlowInputs, target: SetupTarget): Promise<Record<string, string>> {
  if (!inputs.setup) return {};
  const maxCaptureBytes = target.maxCaptureBytes ?? DEFAULT_MAX_CAPTURE_BYTES;
  const sender = createHttpSender(target.baseUrl, 1, target.timeoutMs, target.connectAddress, maxCaptureBytes);
  try {
    const iteration = await new Promise<FlowIteration>((resolve) => {
      const flow = { name: 'setup', weight: 1, steps: inputs.setup!, plain: false };
      const context = {
        sender,
        buckets: new WorkerBuckets(),
        steps: new StepStats('recording'),
        env: inputs.env,
        shared: new Map<string, string>(),
        recordPlainSteps: false,
        hostHeader: target.baseUrl.host,
        maxCaptureBytes,
      };
      const row = inputs.data?.rows[0];
      const it: FlowIteration = new FlowIteration(context, {
        phase: 'setup',
        flow,
        startEpochMs: epochNowMs(),
        row,
        think: false,
        stopAtEpochMs: Number.POSITIVE_INFINITY,
        stopped: () => false,
        onEnd: () => resolve(it),
      });
      it.start();
    });
    if (iteration.failure)
      throw new OrdealError(
        'ORDEAL_ERR_LOAD',
        `setup failed before any load: ${iteration.failure}; nothing was sent to any phase`,
      );
    return Object.fromEntries(iteration.variables);
  } finally {
    await sender.close();
  }
}
