import { z } from 'zod';

const proxy = z
  .string()
  .min(1)
  .describe('The Toxiproxy proxy to break (a name from toxiproxy.proxies, or one the stack provides).');
const common = {
  proxy,
  stream: z
    .enum(['upstream', 'downstream'])
    .default('downstream')
    .describe('Which direction the toxic acts on: "downstream" (responses, the default) or "upstream" (requests).'),
  toxicity: z
    .number()
    .min(0)
    .max(1)
    .default(1)
    .describe("Share of connections the toxic applies to, 0 to 1 (Toxiproxy's toxicity; 1: all)."),
};
const processName = z
  .string()
  .min(1)
  .describe('The process to act on: a name from processes (a pid file or a command-line match).');
const containerName = z
  .string()
  .min(1)
  .describe('The container to act on: a name from containers (a container name or id, or a label).');
const stopTimeoutSec = z
  .int()
  .min(0)
  .max(300)
  .default(10)
  .describe("Seconds Docker waits after SIGTERM before it sends SIGKILL (docker stop's -t; 10 by default).");
/** A stressor placed inside the named process's cgroups, not beside it. */
const cgroup = z
  .boolean()
  .default(false)
  .describe(
    'Run the stressor inside the cgroups of `process` (its CPU quota, memory limit and pids limit then count both, like a noisy neighbour in its container): needs process, and ordeal allowed to move a process there.',
  );
/** The signals a `kill` fault may send: those that end a process, not SIGSTOP (that is `pause`). */
export const KILL_SIGNALS = ['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGQUIT', 'SIGHUP'] as const;
const nonNegativeInt = z.int().min(0);
const kind = <const K extends string>(name: K, meaning: string) => z.literal(name).describe(`"${name}": ${meaning}`);

/** The faults a phase can hold: Toxiproxy's on a proxy, pause and kill on a process; attribute names carry their units. */
export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: kind('latency', 'adds delay to every response'),
    ...common,
    latencyMs: nonNegativeInt.describe('Delay added, in ms.'),
    jitterMs: nonNegativeInt.default(0).describe('Random variation of the delay, ± ms.'),
  }),
  z.strictObject({
    kind: kind('bandwidth', 'limits throughput'),
    ...common,
    rateKBps: nonNegativeInt.describe('Throughput cap, in KB/s.'),
  }),
  z.strictObject({
    kind: kind('timeout', 'stops all data and closes the connection after a time (0: never closes)'),
    ...common,
    timeoutMs: nonNegativeInt.describe('When the connection is closed, in ms (0: held open, no data).'),
  }),
  z.strictObject({
    kind: kind('reset_peer', 'resets connections (TCP RST)'),
    ...common,
    timeoutMs: nonNegativeInt.default(0).describe('Reset after this many ms (0: at once).'),
  }),
  z.strictObject({
    kind: kind('slow_close', 'delays closing the connection'),
    ...common,
    delayMs: nonNegativeInt.describe('Delay before the close, in ms.'),
  }),
  z.strictObject({
    kind: kind('slicer', 'slices data into small packets'),
    ...common,
    averageSizeBytes: z.int().min(1).describe('Average packet size, in bytes.'),
    sizeVariationBytes: nonNegativeInt.default(0).describe('Variation of the packet size, ± bytes.'),
    delayUs: nonNegativeInt.default(0).describe('Delay between packets, in µs.'),
  }),
  z.strictObject({
    kind: kind('limit_data', 'closes the connection after some bytes'),
    ...common,
    bytes: nonNegativeInt.describe('Bytes let through before the close.'),
  }),
  z.strictObject({ kind: kind('down', 'the dependency is unreachable (the proxy is disabled)'), proxy }),
  z.strictObject({
    kind: kind('pause', 'freezes the process (SIGSTOP) for the phase, resumed (SIGCONT) at its end, always'),
    process: processName,
  }),
  z.strictObject({
    kind: kind(
      'kill',
      "signals the process as the phase starts (SIGKILL by default); bringing it back is its supervisor's job, or the restart command's",
    ),
    process: processName,
    signal: z
      .enum(KILL_SIGNALS)
      .default('SIGKILL')
      .describe('The signal sent: SIGKILL (the default: a crash), SIGTERM (a shutdown), SIGINT, SIGQUIT or SIGHUP.'),
    restart: z
      .strictObject({
        command: z
          .array(z.string().min(1).max(4_096))
          .min(1)
          .max(64)
          .describe('The command and its arguments, run without a shell (e.g. ["systemctl", "start", "ledger"]).'),
        afterMs: nonNegativeInt
          .max(3_600_000)
          .default(0)
          .describe('How long after the kill it runs, in ms (0: at once).'),
        timeoutMs: z
          .int()
          .min(100)
          .max(600_000)
          .default(30_000)
          .describe(
            'How long it may take to exit, in ms; still running then, it is left running (it may be the service).',
          ),
      })
      .optional()
      .describe(
        'A command of yours that starts the process again, where no supervisor does: told to the watchdog before the kill, so it runs even if ordeal dies.',
      ),
  }),
  z.strictObject({
    kind: kind(
      'container_pause',
      'freezes every process of the container (docker pause) for the phase, unpaused at its end, always',
    ),
    container: containerName,
  }),
  z.strictObject({
    kind: kind(
      'container_stop',
      'stops the container (docker stop) as the phase starts and starts it again at its end, always',
    ),
    container: containerName,
    stopTimeoutSec,
  }),
  z.strictObject({
    kind: kind(
      'container_kill',
      "signals the container's main process as the phase starts (SIGKILL by default); bringing it back is its restart policy's job",
    ),
    container: containerName,
    signal: z
      .enum(KILL_SIGNALS)
      .default('SIGKILL')
      .describe('The signal sent: SIGKILL (the default: a crash), SIGTERM (a shutdown), SIGINT, SIGQUIT or SIGHUP.'),
  }),
  z.strictObject({
    kind: kind('container_restart', 'restarts the container (docker restart) as the phase starts: a bounce'),
    container: containerName,
    stopTimeoutSec,
  }),
  z.strictObject({
    kind: kind(
      'cpu_stress',
      "starves the CPU with stress-ng for the phase: on the CPUs the named process may run on, or the host's",
    ),
    process: processName
      .optional()
      .describe(
        "Starve the CPUs this process may run on (its affinity), from processes; without it, every CPU of the host (ordeal's too).",
      ),
    workers: z.int().min(1).max(64).default(1).describe('stress-ng CPU workers (--cpu), each a busy thread.'),
    cgroup,
    loadPercent: z
      .int()
      .min(1)
      .max(100)
      .default(100)
      .describe('How busy each worker keeps its CPU, 1–100 % (--cpu-load).'),
  }),
  z.strictObject({
    kind: kind(
      'memory_stress',
      'takes memory with stress-ng for the phase (touched and kept: --vm-keep), given back at its end',
    ),
    sizeMb: z
      .int()
      .min(1)
      .max(65_536)
      .describe('Memory taken, in MB (all workers together); refused beyond what the machine has available.'),
    workers: z.int().min(1).max(16).default(1).describe('stress-ng memory workers (--vm), sharing sizeMb.'),
    process: processName
      .optional()
      .describe('With cgroup: true, the process whose cgroups the stressor joins (its memory limit then counts both).'),
    cgroup,
  }),
  z.strictObject({
    kind: kind(
      'clock_skew',
      "sets a process's wall clock off by an offset for the phase (libfaketime), back at its end; its monotonic clock is left alone",
    ),
    process: processName.describe(
      "A process ordeal starts (the bundled stack's services): it is started under libfaketime when a phase skews its clock.",
    ),
    offsetSec: z
      .int()
      .min(-315_360_000)
      .max(315_360_000)
      .refine((offset) => offset !== 0, {
        error: 'is 0: no skew (give the seconds ahead, e.g. 30, or behind, e.g. -30)',
      })
      .describe('Seconds its wall clock runs ahead (positive) or behind (negative), at most 10 years.'),
  }),
  z.strictObject({
    kind: kind(
      'disk_fill',
      "fills a directory's file system with a file of ordeal's for the phase (written, not sparse), deleted at its end",
    ),
    directory: z
      .string()
      .min(1)
      .max(4_096)
      .describe('The directory the file goes in (an existing directory, not a symlink): its file system fills.'),
    sizeMb: z
      .int()
      .min(1)
      .max(1_048_576)
      .describe(
        'How much to write, in MB; a full file system stops it sooner (that is the fault: the report says how much).',
      ),
  }),
]);

export type FaultInput = z.input<typeof faultSchema>;
export type Fault = z.output<typeof faultSchema>;
export type FaultKind = Fault['kind'];
export const FAULT_KINDS: readonly FaultKind[] = [
  'latency',
  'bandwidth',
  'timeout',
  'reset_peer',
  'slow_close',
  'slicer',
  'limit_data',
  'down',
  'pause',
  'kill',
  'container_pause',
  'container_stop',
  'container_kill',
  'container_restart',
  'cpu_stress',
  'memory_stress',
  'disk_fill',
  'clock_skew',
];

/** A fault between the service and a dependency: a Toxiproxy toxic or a disabled proxy. */
export type NetworkFault = Extract<Fault, { proxy: string }>;
/** A fault on a process the scenario names: frozen or signalled. */
export type ProcessFault = Extract<Fault, { kind: 'pause' | 'kill' }>;
/** Starvation: stress-ng beside the target, for the phase. */
export type StressFault = Extract<Fault, { kind: 'cpu_stress' | 'memory_stress' | 'disk_fill' }>;

/** A process's wall clock set off (libfaketime), on a process ordeal starts. */
export type ClockFault = Extract<Fault, { kind: 'clock_skew' }>;

/** A fault on a container the scenario names, through the Docker Engine API. */
export type ContainerFault = Extract<Fault, { container: string }>;

export const isProcessFault = (fault: Fault): fault is ProcessFault => fault.kind === 'pause' || fault.kind === 'kill';
export const isStressFault = (fault: Fault): fault is StressFault =>
  fault.kind === 'cpu_stress' || fault.kind === 'memory_stress' || fault.kind === 'disk_fill';
export const isNetworkFault = (fault: Fault): fault is NetworkFault => 'proxy' in fault;
export const isContainerFault = (fault: Fault): fault is ContainerFault => 'container' in fault;
export const isClockFault = (fault: Fault): fault is ClockFault => fault.kind === 'clock_skew';

/** What a fault acts on, for people and labels: a proxy's name, a process's or a container's. */
export const faultTargetOf = (fault: Fault): string =>
  isProcessFault(fault) || isClockFault(fault)
    ? fault.process
    : isContainerFault(fault)
      ? fault.container
      : isStressFault(fault)
        ? ('process' in fault && fault.process) || ('directory' in fault && fault.directory) || 'host'
        : fault.proxy;

export function describeFault(fault: Fault): string {
  switch (fault.kind) {
    case 'latency':
      return `${fault.proxy}: latency ${fault.latencyMs}ms ±${fault.jitterMs}ms`;
    case 'bandwidth':
      return `${fault.proxy}: bandwidth ${fault.rateKBps} KB/s`;
    case 'timeout':
      return `${fault.proxy}: timeout after ${fault.timeoutMs}ms`;
    case 'reset_peer':
      return `${fault.proxy}: reset_peer after ${fault.timeoutMs}ms`;
    case 'slow_close':
      return `${fault.proxy}: slow_close ${fault.delayMs}ms`;
    case 'slicer':
      return `${fault.proxy}: slicer ${fault.averageSizeBytes}B ±${fault.sizeVariationBytes}B`;
    case 'limit_data':
      return `${fault.proxy}: limit_data ${fault.bytes}B`;
    case 'down':
      return `${fault.proxy}: down`;
    case 'pause':
      return `${fault.process}: pause (SIGSTOP until the phase ends)`;
    case 'kill':
      return `${fault.process}: kill (${fault.signal})${fault.restart ? `, restarted by ${fault.restart.command[0]} after ${fault.restart.afterMs}ms` : ''}`;
    case 'container_pause':
      return `container ${fault.container}: pause (docker pause until the phase ends)`;
    case 'container_stop':
      return `container ${fault.container}: stop (started again when the phase ends)`;
    case 'container_kill':
      return `container ${fault.container}: kill (${fault.signal})`;
    case 'container_restart':
      return `container ${fault.container}: restart`;
    case 'cpu_stress':
      return `${fault.cgroup ? `cgroups of ${fault.process}` : fault.process ? `CPUs of ${fault.process}` : 'host CPUs'}: cpu_stress ${fault.workers}× at ${fault.loadPercent}%`;
    case 'memory_stress':
      return `${fault.cgroup ? `cgroups of ${fault.process}` : 'host'}: memory_stress ${fault.sizeMb} MB`;
    case 'disk_fill':
      return `${fault.directory}: disk_fill ${fault.sizeMb} MB`;
    case 'clock_skew':
      return `${fault.process}: clock_skew ${fault.offsetSec > 0 ? '+' : '−'}${Math.abs(fault.offsetSec)} s (wall clock)`;
  }
}
