import { z } from 'zod';

const common = {
  proxy: z.string().min(1),
  stream: z.enum(['upstream', 'downstream']).default('downstream'),
  toxicity: z.number().min(0).max(1).default(1),
};
const nonNegativeInt = z.int().min(0);

/** The Toxiproxy faults a phase can hold; attribute names carry their units. */
export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('latency'), ...common, latencyMs: nonNegativeInt, jitterMs: nonNegativeInt.default(0) }),
  z.strictObject({ kind: z.literal('bandwidth'), ...common, rateKBps: nonNegativeInt }),
  z.strictObject({ kind: z.literal('timeout'), ...common, timeoutMs: nonNegativeInt }),
  z.strictObject({ kind: z.literal('reset_peer'), ...common, timeoutMs: nonNegativeInt.default(0) }),
  z.strictObject({ kind: z.literal('slow_close'), ...common, delayMs: nonNegativeInt }),
  z.strictObject({
    kind: z.literal('slicer'),
    ...common,
    averageSizeBytes: z.int().min(1),
    sizeVariationBytes: nonNegativeInt.default(0),
    delayUs: nonNegativeInt.default(0),
  }),
  z.strictObject({ kind: z.literal('limit_data'), ...common, bytes: nonNegativeInt }),
  z.strictObject({ kind: z.literal('down'), proxy: common.proxy }),
]);

export type FaultInput = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema>;
export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = [
  'latency', 'bandwidth', 'timeout', 'reset_peer', 'slow_close', 'slicer', 'limit_data', 'down',
];

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'latency': return `${fault.proxy}: latency ${fault.latencyMs}ms ±${fault.jitterMs}ms`;
    case 'bandwidth': return `${fault.proxy}: bandwidth ${fault.rateKBps} KB/s`;
    case 'timeout': return `${fault.proxy}: timeout after ${fault.timeoutMs}ms`;
    case 'reset_peer': return `${fault.proxy}: reset_peer after ${fault.timeoutMs}ms`;
    case 'slow_close': return `${fault.proxy}: slow_close ${fault.delayMs}ms`;
    case 'slicer': return `${fault.proxy}: slicer ${fault.averageSizeBytes}B ±${fault.sizeVariationBytes}B`;
    case 'limit_data': return `${fault.proxy}: limit_data ${fault.bytes}B`;
    case 'down': return `${fault.proxy}: down`;
  }
}
