import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { FaultController } from '../../harness/faults/fault-controller.ts';
import type { AppliedFault, VanishedFault } from '../../harness/verdict/run-records.ts';
import type { LoadDriver, PhaseLoad } from '../../harness/load/load-driver.ts';
import type { PhaseRecorder } from '../../harness/metrics/phase-recorder.ts';
import { RunEvents } from '../../harness/events/run-events.ts';
import type { StartedRunInfrastructure } from '../../harness/run/run-infrastructure.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import type { Watchdog } from '../../harness/run/run-session.ts';
import type { Fault } from '../../harness/scenario/fault-schema.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';

/** Fakes for the pure logic of stopping: no sockets, no processes. What each saw, in order. */
type Part =
  'watchdog' | 'infrastructure' | 'prepare' | 'apply' | 'runPhase' | 'infrastructure.stop' | 'driver.close' | 'release';

function fakes(
  options: {
    removeFails?: boolean;
    verify?: () => Promise<VanishedFault[]>;
    phaseMs?: number | ((phase: string) => number);
    throwIn?: Part;
  } = {},
) {
  const log: string[] = [];
  let sequence = 0;
  const broken = (part: Part): void => {
    if (options.throwIn === part) throw new Error(`${part} broke`);
  };
  const faults: FaultController = {
    preflight: async () => undefined,
    apply: async (fault: Fault, phase: string): Promise<AppliedFault> => {
      log.push(`apply ${fault.kind}`);
      broken('apply');
      return { id: `f${++sequence}`, phase, fault, appliedAtMs: Date.now() };
    },
    remove: async (applied) => {
      log.push(`remove ${applied.id}`);
      if (options.removeFails) throw new Error('Toxiproxy said no');
      return Date.now();
    },
    removeAll: async () => {
      log.push('removeAll');
      if (options.removeFails) throw new Error('1 fault(s) could not be removed: Toxiproxy said no');
    },
    active: () =>
      options.removeFails
        ? [{ id: 'f1', phase: 'chaos', fault: { proxy: 'api', kind: 'down' } as Fault, appliedAtMs: 0 }]
        : [],
    verify: options.verify ?? (async () => []),
  };
  const driver: LoadDriver = {
    name: 'fake',
    model: 'open',
    close: async () => (log.push('driver closed'), broken('driver.close')),
    prepare: async () => broken('prepare'),
    runPhase: (load: PhaseLoad, recorder: PhaseRecorder, signal: AbortSignal) =>
      new Promise((resolve) => {
        log.push(`load ${load.phase.name}`);
        broken('runPhase');
        recorder.recordResponse(load.phase.name, Date.now(), 5);
        const ms = typeof options.phaseMs === 'function' ? options.phaseMs(load.phase.name) : (options.phaseMs ?? 50);
        const timer = setTimeout(resolve, ms);
        signal.addEventListener(
          'abort',
          () => (clearTimeout(timer), log.push(`load stopped ${load.phase.name}`), resolve()),
          { once: true },
        );
      }),
  };
  const released: string[] = [];
  const watchdog: Watchdog = {
    own: () => undefined,
    ownContainer: () => undefined,
    guardToxiproxy: async () => undefined,
    release: async () => (released.push('released'), broken('release')),
  };
  const infrastructure: StartedRunInfrastructure = {
    targetUrl: new URL('http://127.0.0.1:1'),
    targetAddress: '127.0.0.1',
    faults,
    stop: async () => (log.push('infrastructure stopped'), broken('infrastructure.stop'), []),
  };
  const startInfrastructure = async (): Promise<StartedRunInfrastructure> => (broken('infrastructure'), infrastructure);
  const startWatchdog = async (): Promise<Watchdog> => (broken('watchdog'), watchdog);
  return { log, released, options: { driver, startInfrastructure, startWatchdog } };
}

const scenario = validateScenario({
  name: 'fake',
  target: { baseUrl: 'http://127.0.0.1:1' },
  // The fake infrastructure stands for this Toxiproxy; nothing is dialled.
  toxiproxy: { url: 'http://127.0.0.1:1' },
  requests: [{ path: '/' }],
  phases: [
    { name: 'calm', duration: '1s', rate: 1 },
    { name: 'chaos', duration: '1s', rate: 1, faults: [{ proxy: 'api', kind: 'down' }] },
    { name: 'after', duration: '1s', rate: 1 },
  ],
  slos: [{ http_req_failed: ['rate<0.5'] }],
});

/**
 * Runs `promise` to its end on fake timers: the phases' lengths, the one-second tickers and the liveness watch
 * advance in fake time (a 10 s phase costs nothing), while real I/O (the clock watch's thread) keeps its turn.
 */
async function onFakeTime<T>(promise: Promise<T>): Promise<T> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  while (!done) {
    await vi.advanceTimersByTimeAsync(100);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return promise;
}

describe('stopping a run (fakes: no sockets, no processes, fake timers)', () => {
  beforeEach(() => void vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval'] }));
  afterEach(() => void vi.useRealTimers());
  it('on a user abort mid-phase: the faults go first, then the load stops, the verdict is aborted with the reason, later phases never run', async () => {
    const { log, released, options } = fakes({ phaseMs: (phase) => (phase === 'chaos' ? 10_000 : 50) });
    const abort = new AbortController();
    const events = new RunEvents().on('faultApplied', () => setTimeout(() => abort.abort('SIGINT'), 20));
    const report = await onFakeTime(runScenario(scenario, { ...options, events, signal: abort.signal }));
    expect(report.verdict, report.verdictReason).toBe('aborted');
    expect(report.verdictReason).toBe('stopped by SIGINT');
    expect(log.indexOf('removeAll')).toBeLessThan(log.indexOf('load stopped chaos'));
    expect(log).not.toContain('load after');
    expect(log.at(-1)).toBe('infrastructure stopped');
    expect(released).toEqual(['released']);
  });

  it('when Toxiproxy stops answering: the load stops and the run is inconclusive, saying why', async () => {
    const { log, options } = fakes({
      phaseMs: 10_000,
      verify: async () => Promise.reject(new Error('connect ECONNREFUSED')),
    });
    const report = await onFakeTime(runScenario(scenario, options));
    expect(report.verdict, report.verdictReason).toBe('inconclusive');
    expect(report.verdictReason).toBe(
      'Toxiproxy stopped answering mid-run (connect ECONNREFUSED); load stopped, the run cannot be judged',
    );
    // Watched from the start: the first phase (10 s long here) is cut short, and no later phase runs.
    expect(log).toContain('load stopped calm');
    expect(log).not.toContain('load chaos');
  });

  it('when a fault cannot be removed: the run is inconclusive and the watchdog keeps its lease, to retry when ordeal exits', async () => {
    const { released, options } = fakes({ removeFails: true });
    const warnings: string[] = [];
    const report = await onFakeTime(
      runScenario(scenario, {
        ...options,
        events: new RunEvents().on('warning', ({ message }) => warnings.push(message)),
      }),
    );
    expect(report.verdict, report.verdictReason).toBe('inconclusive');
    expect(report.verdictReason).toMatch(/Toxiproxy said no/);
    expect(released).toEqual([]);
    expect(warnings.some((w) => w.includes('could not be removed'))).toBe(true);
  });

  it('a fault someone removed makes only its phase inconclusive', async () => {
    let reported = false;
    const verify = async (): Promise<VanishedFault[]> => {
      if (reported) return [];
      reported = true;
      return [
        {
          applied: { id: 'f1', phase: 'chaos', fault: { proxy: 'api', kind: 'down' } as Fault, appliedAtMs: 0 },
          detectedAtMs: Date.now(),
          how: 'the proxy was re-enabled',
        },
      ];
    };
    const { options } = fakes({ verify, phaseMs: 1_200 });
    const report = await onFakeTime(runScenario(scenario, options));
    expect(report.checks.map((c) => `${c.phase} ${c.status}`)).toEqual([
      'calm pass',
      'chaos inconclusive',
      'after pass',
    ]);
    expect(report.verdict, report.verdictReason).toBe('inconclusive');
  });

  it('a progress listener that throws does not end the run: it becomes a warning', async () => {
    const { options } = fakes({ phaseMs: 1_300 });
    const warnings: string[] = [];
    const events = new RunEvents()
      .on('progress', () => {
        throw new Error('a broken dashboard');
      })
      .on('warning', ({ message }) => warnings.push(message));
    const report = await onFakeTime(runScenario(scenario, { ...options, events }));
    expect(report.verdict, report.verdictReason).toBe('pass');
    expect(warnings).toContain('a listener of "progress" threw: a broken dashboard');
  });

  it.each([
    [
      'an operator whose attach throws',
      (): Partial<Parameters<typeof runScenario>[1]> => ({
        operator: {
          attach: () => {
            throw new Error('the console broke');
          },
        },
      }),
    ],
    [
      'a phase-start listener that throws past the events (a confirm that rejects)',
      (): Partial<Parameters<typeof runScenario>[1]> => ({
        operator: {
          confirmFaults: async () => {
            throw new Error('the console broke');
          },
        },
      }),
    ],
  ])(
    '%s: the run rejects, and stops the infrastructure, closes the driver and releases the watchdog first',
    async (_what, extra) => {
      const { log, released, options } = fakes();
      const warnings: string[] = [];
      const events = new RunEvents().on('warning', ({ message }) => warnings.push(message));
      const outcome = await onFakeTime(
        runScenario(scenario, { ...options, ...extra(), events }).then(
          (report) => `resolved ${report.verdict}`,
          (error: Error) => `rejected: ${error.message}`,
        ),
      );
      // Whatever the outcome, nothing the run opened is left open.
      expect(log).toContain('driver closed');
      expect(log).toContain('infrastructure stopped');
      expect(released).toEqual(['released']);
      if (outcome.startsWith('rejected')) expect(outcome).toBe('rejected: the console broke');
    },
  );

  // Each part the run opens, broken in turn. Whatever the outcome, what was opened before the break is closed.
  it.each<[Part, { infrastructureStarted: boolean; watchdogStarted: boolean }]>([
    ['watchdog', { infrastructureStarted: false, watchdogStarted: false }],
    ['infrastructure', { infrastructureStarted: false, watchdogStarted: true }],
    ['prepare', { infrastructureStarted: true, watchdogStarted: true }],
    ['apply', { infrastructureStarted: true, watchdogStarted: true }],
    ['runPhase', { infrastructureStarted: true, watchdogStarted: true }],
    ['infrastructure.stop', { infrastructureStarted: true, watchdogStarted: true }],
    ['driver.close', { infrastructureStarted: true, watchdogStarted: true }],
    ['release', { infrastructureStarted: true, watchdogStarted: true }],
  ])(
    'a throw in %s: the driver is closed, and what started before it is stopped and released',
    async (part, started) => {
      const { log, released, options } = fakes({ throwIn: part });
      const outcome = await onFakeTime(runScenario(scenario, options)).then(
        (report) => `resolved ${report.verdict}`,
        (error: Error) => `rejected: ${error.message}`,
      );
      expect(log, outcome).toContain('driver closed');
      if (started.infrastructureStarted) expect(log, outcome).toContain('infrastructure stopped');
      else expect(log, outcome).not.toContain('infrastructure stopped');
      expect(released, outcome).toEqual(started.watchdogStarted ? ['released'] : []);
      // A throw before any load is the run's error; after load started, the run ends judged, never as a pass.
      if (['watchdog', 'infrastructure', 'prepare'].includes(part)) expect(outcome).toBe(`rejected: ${part} broke`);
      else expect(outcome).not.toBe('resolved pass');
    },
  );
});
