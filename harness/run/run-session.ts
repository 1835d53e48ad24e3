import type { FlowInputs } from '../flows/compiled-flow.ts';
import { runSetup } from '../load/run-setup.ts';
import type { Clock } from '../clock/clock.ts';
import { startFaultWatchdog, type StartedFaultWatchdog } from '../faults/fault-watchdog.ts';
import type { LoadDriver, LoadTarget } from '../load/load-driver.ts';
import { GuardedHttp } from '../net/guarded-http.ts';
import type { NetworkPolicy } from '../net/network-policy.ts';
import { scenarioNeedsPrometheus, scenarioUsesFaults } from '../scenario/scenario-needs.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { Timeline } from '../scenario/timeline.ts';
import { NOBODY, type ResourceOwner } from '../lifecycle/resource-owner.ts';
import type { RunEvents } from '../events/run-events.ts';
import {
  checkAddresses,
  checkResolvedAddresses,
  startRunInfrastructure,
  type StartedRunInfrastructure,
} from './run-infrastructure.ts';
import type { RunOverrides } from '../scenario/run-overrides.ts';
import { waitUntilReady } from './readiness-gate.ts';
import { assertNamesFound, lookUpNames } from '../signals/name-lookup.ts';

/** Plain requests are recorded per name too when there are flows beside them, or an SLO names one. */
function recordsPlainSteps(scenario: Scenario): boolean {
  return scenario.flows.length > 0 || scenario.slos.some((slo) => Object.keys(slo).some((key) => key.includes('{')));
}

export interface SessionOptions {
  runId: string;
  clock: Clock;
  events: RunEvents;
  timeline: Timeline;
  driver: LoadDriver;
  overrides: RunOverrides;
  /** The user's abort: a warm-up in progress stops. */
  signal?: AbortSignal;
  /** The scenario's compiled requests and flows, checked before the session opens. */
  flowInputs?: FlowInputs;
  /** Starts the infrastructure; injectable, so the stop paths are tested without sockets. */
  startInfrastructure?: typeof startRunInfrastructure;
  /** Starts the watchdog process; injectable for the same reason. */
  startWatchdog?: (runId: string) => Promise<Watchdog>;
}

/** What the session needs of the watchdog. */
export type Watchdog = Pick<StartedFaultWatchdog, 'own' | 'ownContainer' | 'guardToxiproxy' | 'release'> &
  Partial<
    Pick<
      StartedFaultWatchdog,
      | 'pausing'
      | 'resumed'
      | 'holdingContainer'
      | 'releasedContainer'
      | 'restartPending'
      | 'restartDone'
      | 'filling'
      | 'fillRemoved'
      | 'pid'
    >
  >;

/** The watchdog as the run's resource owner. */
function ownerOf(watchdog: Watchdog | undefined): ResourceOwner {
  if (!watchdog) return NOBODY;
  return {
    ownProcess: (pid) => watchdog.own(pid),
    ownContainer: (id) => watchdog.ownContainer(id),
    guardToxiproxy: (url, policy) => watchdog.guardToxiproxy(url, policy),
    pausing: (target) => (watchdog.pausing ? watchdog.pausing(target) : NOBODY.pausing(target)),
    resumed: async (target) => watchdog.resumed?.(target),
    holdingContainer: (held) =>
      watchdog.holdingContainer ? watchdog.holdingContainer(held) : NOBODY.holdingContainer(held),
    releasedContainer: async (id) => watchdog.releasedContainer?.(id),
    restartPending: (restart) =>
      watchdog.restartPending ? watchdog.restartPending(restart) : NOBODY.restartPending(restart),
    restartDone: async (id) => watchdog.restartDone?.(id),
    filling: (file) => (watchdog.filling ? watchdog.filling(file) : NOBODY.filling(file)),
    fillRemoved: async (file) => watchdog.fillRemoved?.(file),
    watchdogPid: () => watchdog.pid,
  };
}

/**
 * Everything a run holds open: the guarded HTTP client, the watchdog (before
 * anything else starts), the infrastructure (target, Toxiproxy, Prometheus),
 * and a load driver that is prepared and warmed up. `open` refuses bad
 * addresses before anything starts, and undoes a half-open session before
 * rethrowing; `close` undoes it all and says what could not be undone.
 */
export class RunSession {
  private constructor(
    readonly http: GuardedHttp,
    readonly infrastructure: StartedRunInfrastructure,
    readonly driver: LoadDriver,
    readonly load: LoadTarget,
    readonly warmupRequests: number,
    private readonly watchdog: Watchdog | undefined,
    /** How long the readiness gate waited before the load could start (undefined: no gate). */
    readonly readinessWaitMs?: number,
    /** Per check (index): what the name lookup warned about, said again beside its verdict. */
    readonly lookupNotes: ReadonlyMap<number, string[]> = new Map(),
  ) {}

  static async open(scenario: Scenario, options: SessionOptions): Promise<RunSession> {
    const { overrides, events } = options;
    checkAddresses(scenario, overrides);
    const policy: NetworkPolicy = {
      allowlist: scenario.target.allowlist,
      allowNonLoopback: overrides.allowNonLoopback === true,
    };
    await checkResolvedAddresses(scenario, overrides, policy);
    const http = new GuardedHttp(policy);
    const needsWatchdog =
      scenario.stack !== undefined || scenarioUsesFaults(scenario) || scenarioNeedsPrometheus(scenario);
    let watchdog: Watchdog | undefined;
    let infrastructure: StartedRunInfrastructure | undefined;
    try {
      // Before anything starts: a process that undoes this run's faults and stops what it started if ordeal dies.
      watchdog = needsWatchdog ? await (options.startWatchdog ?? startFaultWatchdog)(options.runId) : undefined;
      infrastructure = await (options.startInfrastructure ?? startRunInfrastructure)(scenario, {
        runId: options.runId,
        http,
        owner: ownerOf(watchdog),
        overrides,
        clock: options.clock,
        onMessage: (message) => events.emit('infrastructure', { message }),
      });
      const load: LoadTarget = {
        baseUrl: infrastructure.targetUrl,
        connectAddress: infrastructure.targetAddress,
        requests: scenario.requests,
        connections: scenario.load.connections,
        timeoutMs: scenario.load.timeout.ms,
        maxCaptureBytes: scenario.load.maxCaptureBytes,
      };
      let readinessWaitMs: number | undefined;
      if (scenario.readiness) {
        events.emit('infrastructure', {
          message: `waiting for the service to be ready (${[scenario.readiness.path && `GET ${scenario.readiness.path}`, scenario.readiness.promql].filter(Boolean).join(' and ')}, at most ${scenario.readiness.timeout})`,
        });
        readinessWaitMs = await waitUntilReady(scenario.readiness, {
          http,
          targetUrl: infrastructure.targetUrl,
          prometheusUrl: infrastructure.prometheusUrl,
          clock: options.clock,
          signal: options.signal,
        });
        events.emit('infrastructure', { message: `ready after ${(readinessWaitMs / 1_000).toFixed(1)} s` });
      }
      // Every name the checks use, looked up in the live system before any load: a typo is exit 2, never read as a broken service.
      const lookupNotes = scenario.stack
        ? new Map<number, string[]>()
        : await lookUpRunNames(scenario, http, infrastructure, events);
      if (options.flowInputs) {
        if (options.flowInputs.setup)
          events.emit('infrastructure', {
            message: `running setup (${options.flowInputs.setup.map((s) => s.name).join(' → ')}), before any phase and counted in none`,
          });
        const shared = await runSetup(options.flowInputs, load);
        load.flows = { inputs: options.flowInputs, shared, recordPlainSteps: recordsPlainSteps(scenario) };
      }
      const warmupRequests = await prepareDriver(scenario, options, load);
      return new RunSession(
        http,
        infrastructure,
        options.driver,
        load,
        warmupRequests,
        watchdog,
        readinessWaitMs,
        lookupNotes,
      );
    } catch (error) {
      // Undone newest first, each step whatever the last did; the original error is the one thrown.
      await options.driver.close?.().catch(() => undefined);
      await infrastructure?.stop().catch(() => undefined);
      await watchdog?.release().catch(() => undefined);
      await http.close().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Undoes the session, newest first: the load driver (its in-flight requests
   * recorded), the infrastructure, the watchdog (released only when no fault
   * is left: one that could not be removed stays its job), the HTTP client.
   */
  async close(): Promise<string[]> {
    const problems: string[] = [];
    // Each step is tried whatever the one before did: a throw in one never leaves the next open.
    const attempt = async (what: string, step: () => Promise<unknown> | undefined): Promise<void> => {
      await Promise.resolve()
        .then(step)
        .catch((error: unknown) => problems.push(`${what}: ${error instanceof Error ? error.message : String(error)}`));
    };
    await attempt('stopping the load driver', () => this.driver.close?.());
    await attempt('stopping the infrastructure', async () =>
      problems.push(...(await this.infrastructure.stop()).map((failure) => `stopping ${failure}`)),
    );
    if ((this.infrastructure.faults?.active().length ?? 0) === 0)
      await attempt('releasing the watchdog', () => this.watchdog?.release());
    await attempt('closing the HTTP client', () => this.http.close());
    return problems;
  }
}

async function lookUpRunNames(
  scenario: Scenario,
  http: GuardedHttp,
  infrastructure: StartedRunInfrastructure,
  events: RunEvents,
): Promise<Map<number, string[]>> {
  const prometheus =
    infrastructure.prometheusUrl && scenarioNeedsPrometheus(scenario)
      ? { http, url: infrastructure.prometheusUrl }
      : undefined;
  const found = await lookUpNames(scenario, {
    http,
    targetUrl: infrastructure.targetUrl,
    ...(prometheus ? { prometheus } : {}),
  });
  assertNamesFound(found);
  for (const warning of found.warnings) events.emit('warning', { message: warning });
  return found.notes;
}

/** Starts the driver's threads, then warms it up before the first phase: its own start-up stays out of every measurement. */
async function prepareDriver(scenario: Scenario, options: SessionOptions, load: LoadTarget): Promise<number> {
  const { driver, timeline, events } = options;
  await driver.prepare?.(load);
  if (!driver.warmUp) return 0;
  const first = timeline.phases[0]!;
  const warmupMs = scenario.load.warmup === false ? 0 : scenario.load.warmup.ms;
  events.emit('infrastructure', {
    message:
      warmupMs > 0
        ? `warming up the generator for ${scenario.load.warmup} (untimed requests, not recorded)`
        : 'opening connections',
  });
  return (
    await driver.warmUp(
      { ...load, phase: first, vus: first.vus },
      warmupMs,
      options.signal ?? new AbortController().signal,
    )
  ).requests;
}
