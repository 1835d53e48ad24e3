import type { NetworkFault } from '../scenario/fault-schema.ts';

export type ToxicFault = Exclude<NetworkFault, { kind: 'down' }>;

/** Maps an ordeal fault (units in names) onto Toxiproxy's toxic type and attributes. */
export function toxicAttributes(fault: ToxicFault): Record<string, number> {
  switch (fault.kind) {
    case 'latency':
      return { latency: fault.latencyMs, jitter: fault.jitterMs };
    case 'bandwidth':
      return { rate: fault.rateKBps };
    case 'timeout':
      return { timeout: fault.timeoutMs };
    case 'reset_peer':
      return { timeout: fault.timeoutMs };
    case 'slow_close':
      return { delay: fault.delayMs };
    case 'slicer':
      return { average_size: fault.averageSizeBytes, size_variation: fault.sizeVariationBytes, delay: fault.delayUs };
    case 'limit_data':
      return { bytes: fault.bytes };
  }
}
