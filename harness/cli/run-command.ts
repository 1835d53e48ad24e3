import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GuardedHttp } from '../net/guarded-http.ts';
import { resolveAllowed } from '../net/network-policy.ts';
import { redactUrl, redactUrlsIn } from '../net/redact-url.ts';
import { assertWritableFolder } from '../report/writable-folder.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { ToxiproxyProvider } from '../toxiproxy/start-toxiproxy.ts';
import { assertTargetAllowed } from '../scenario/target-guard.ts';
import type { StartedMetricsEndpoint } from '../telemetry/metrics-endpoint.ts';
import type { LiveConsole } from '../console/live-console.ts';
import type { PlannedPhase } from '../scenario/timeline.ts';
import { DEFAULT_COMPARE_OPTIONS } from '../compare/compare-runs.ts';
import { publishReport, readReportFile } from '../report/publish-report.ts';
import { RunEvents } from '../run/run-events.ts';
import type { FlowInputs } from '../flows/compiled-flow.ts';
import { prepareFlowInputs } from '../flows/flow-inputs.ts';
import { redactText } from '../flows/redact-secrets.ts';
import { runScenario } from '../run/run-scenario.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { SIGNAL_EXIT_CODES } from '../verdict/run-verdict.ts';
import { processIo, redactingIo, type CliIo } from './cli-io.ts';
import { createOutputStyle } from './output-style.ts';
import { attachProgressPrinter } from './progress-printer.ts';
import { attachTerminalKeys, inTerminalForeground, type TerminalKeys } from './terminal-keys.ts';
import { ConfirmGate } from '../run/confirm-gate.ts';
import type { OperatorControls } from '../run/operator.ts';
import { describeFault } from '../scenario/fault-schema.ts';
import { formatDurationMs } from '../scenario/duration.ts';
import { renderSummary } from './summary-table.ts';

export interface RunCommandOptions {
  reportDir: string;
  json?: boolean;
  timeScale?: number;
  target?: string;
  toxiproxy?: string;
  toxiproxyProvider?: ToxiproxyProvider;
  prometheus?: string;
  allowNonLoopback?: boolean;
  /** A report.json to compare with; default: the previous passing run of the scenario in reportDir. */
  baseline?: string;
  /** false with --no-compare. */
  compare?: boolean;
  tolerance?: number;
  failOnRegression?: boolean;
  /** Serve ordeal's own metrics at http://127.0.0.1:<port>/metrics during the run (0: a free port). */
  metricsPort?: number;
  /** Push the run's summary here at the end. */
  pushgateway?: string;
  /** Serve the live console at http://127.0.0.1:<port>/ (true or 0: a free port). */
  ui?: number | true;
  /** With the live console: hold before each fault phase until an operator confirms (ms to wait; then the run aborts). */
  confirmFaults?: number | true;
}

/** How long --confirm-faults waits for an operator by default. */
const DEFAULT_CONFIRM_MS = 5 * 60_000;
type StopSignal = keyof typeof SIGNAL_EXIT_CODES;

/**
 * `ordeal run`: the first SIGINT/SIGTERM/SIGHUP stops load, removes faults,
 * writes the report (its verdict says which signal) and exits 130/143/129; a
 * second signal during cleanup is ignored. The report folder is checked before
 * anything is sent; if writing still fails at the end, the report goes to a
 * fallback folder and ordeal says where.
 */
export async function runCommand(scenarioFile: string, options: RunCommandOptions, rawIo: CliIo = processIo): Promise<number> {
  const scenario = await loadScenario(scenarioFile);
  // Templates, data and environment first (exit 2 before anything): and what is secret, so nothing printed shows it.
  const flowInputs = await prepareFlowInputs(scenario, { scenarioFile });
  const io = redactingIo(rawIo, flowInputs.secrets);
  try {
    return await runChecked(scenario, scenarioFile, flowInputs, options, io);
  } catch (error) {
    if (error instanceof Error) error.message = redactText(error.message, flowInputs.secrets);
    throw error;
  }
}

async function runChecked(scenario: Scenario, scenarioFile: string, flowInputs: FlowInputs, options: RunCommandOptions, io: CliIo): Promise<number> {
  // A bad --baseline is bad input: refused before anything is sent.
  const baseline = options.baseline ? await readReportFile(options.baseline, '--baseline') : undefined;
  const policy = { allowlist: scenario.target.allowlist, allowNonLoopback: options.allowNonLoopback === true };
  if (options.pushgateway) {
    const pushgateway = assertTargetAllowed('--pushgateway', options.pushgateway, scenario.target.allowlist, { allowNonLoopback: options.allowNonLoopback });
    await resolveAllowed('--pushgateway', pushgateway.hostname, policy);
  }
  const reportDir = path.resolve(options.reportDir);
  await assertWritableFolder('--report-dir', reportDir);
  const controller = new AbortController();
  let interruptedBy: StopSignal | undefined;
  const onSignal = (signal: StopSignal): void => {
    if (interruptedBy) {
      io.stderr.write(`ordeal: ${signal} again: still removing faults and writing the report\n`);
      return;
    }
    interruptedBy = signal;
    io.stderr.write(`\nordeal: ${signal}: stopping load, removing faults, writing the report\n`);
    controller.abort(signal);
  };
  const handlers = (Object.keys(SIGNAL_EXIT_CODES) as StopSignal[]).map((signal) => [signal, (): void => onSignal(signal)] as const);
  let metricsEndpoint: StartedMetricsEndpoint | undefined;
  let keys: TerminalKeys | undefined;
  // Stopped on every way out: an open console would keep ordeal alive after a failed run.
  let liveConsole: LiveConsole | undefined;
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    const events = new RunEvents();
    const style = createOutputStyle(io.stderr);
    let controls: OperatorControls | undefined;
    const useKeys = process.stdin.isTTY === true && !options.json && io.stderr.isTTY === true && inTerminalForeground();
    if (options.confirmFaults !== undefined && options.ui === undefined && !useKeys) {
      throw new OrdealError('ORDEAL_ERR_USAGE', '--confirm-faults needs --ui or a terminal: the confirm is a button on the live console, or the c key where ordeal runs');
    }
    const confirmGate = options.confirmFaults === undefined ? undefined : new ConfirmGate(options.confirmFaults === true ? DEFAULT_CONFIRM_MS : options.confirmFaults);
    if (useKeys) {
      keys = attachTerminalKeys(process.stdin, io.stderr, {
        interrupt: () => onSignal('SIGINT'),
        skip: () => controls?.skipPhase('skipped from the terminal') ?? false,
        confirm: () => confirmGate?.confirm() ?? false,
        note: (text) => {
          try {
            controls?.annotate(text, 'terminal');
            return controls ? undefined : 'the run has not started yet';
          } catch (error) {
            return (error as Error).message;
          }
        },
        phase: () => controls?.runningPhase(),
      });
      confirmGate?.onWaiting(({ phase, timeoutMs }) =>
        io.stderr.write(style.yellow(`ordeal: phase ${phase.name} will apply ${phase.faults.map(describeFault).join('; ')}: press c to confirm${options.ui !== undefined ? ' (or on the live console)' : ''}; not confirmed within ${formatDurationMs(timeoutMs)}, the run aborts\n`)),
      );
    }
    attachProgressPrinter(events, io.stderr, style, keys ? { typed: keys } : {});
    if (options.ui !== undefined) {
      const { startLiveConsole } = await import('../console/live-console.ts');
      const port = options.ui === true ? 0 : options.ui;
      liveConsole = await startLiveConsole(events, {
        port,
        onAbort: () => {
          if (!controller.signal.aborted) controller.abort('the live console');
        },
        ...(confirmGate ? { confirmGate } : {}),
      }).catch((cause: Error) => {
        throw new OrdealError('ORDEAL_ERR_USAGE', `--ui ${port}: cannot listen on 127.0.0.1 (${cause.message}; pick a free port, or leave it out)`, { cause });
      });
      io.stderr.write(`ordeal: live console at ${liveConsole.pageUrl}\n`);
    }
    if (options.metricsPort !== undefined) {
      // prom-client is loaded only when ordeal serves or pushes its own metrics.
      const [{ RunTelemetry }, { startMetricsEndpoint }] = await Promise.all([import('../telemetry/run-telemetry.ts'), import('../telemetry/metrics-endpoint.ts')]);
      const telemetry = new RunTelemetry(events, scenario.name);
      metricsEndpoint = await startMetricsEndpoint(telemetry.registry, options.metricsPort).catch((cause: Error) => {
        throw new OrdealError('ORDEAL_ERR_USAGE', `--metrics-port ${options.metricsPort}: cannot listen on 127.0.0.1 (${cause.message}; pick a free port, or 0)`, { cause });
      });
      io.stderr.write(`ordeal: serving its own metrics at ${metricsEndpoint.url}\n`);
    }
    const report = await runScenario(scenario, {
      scenarioFile,
      flowInputs,
      events,
      operator: {
        attach: (given) => {
          controls = given;
          liveConsole?.attach(given);
        },
        ...(confirmGate ? { confirmFaults: (phase: PlannedPhase, signal: AbortSignal) => confirmGate.wait(phase, signal) } : {}),
      },
      signal: controller.signal,
      timeScale: options.timeScale,
      targetUrl: options.target,
      toxiproxyUrl: options.toxiproxy,
      toxiproxyProvider: options.toxiproxyProvider,
      prometheusUrl: options.prometheus,
      allowNonLoopback: options.allowNonLoopback,
    });
    const publishOptions = {
      baseline,
      compare: options.compare,
      compareOptions: { ...DEFAULT_COMPARE_OPTIONS, latencyTolerancePercent: options.tolerance ?? DEFAULT_COMPARE_OPTIONS.latencyTolerancePercent },
      stepSummaryFile: process.env.GITHUB_STEP_SUMMARY || undefined,
      onWarning: (message: string) => io.stderr.write(`ordeal: warning: ${message}\n`),
    };
    const { files, report: published } = await publishReport(report, reportDir, publishOptions).catch(async (error: Error) => {
      // The load was sent and the faults removed: the run's record must not be lost with the folder. The fallback is
      // a fresh private folder (mkdtemp: 0700, a new name), never a fixed path another user could plant a symlink at.
      const fallback = await mkdtemp(path.join(os.tmpdir(), 'ordeal-reports-'));
      io.stderr.write(`ordeal: writing the report into ${reportDir} failed (${error.message}); writing it into ${fallback} instead\n`);
      return publishReport(report, fallback, { ...publishOptions, compare: false, stepSummaryFile: undefined });
    });
    if (options.pushgateway) {
      const shown = redactUrl(options.pushgateway);
      const http = new GuardedHttp(policy);
      const { pushRunSummary } = await import('../telemetry/push-summary.ts');
      await pushRunSummary(published, options.pushgateway, http)
        .then(
          () => io.stderr.write(`ordeal: pushed the run summary to ${shown}\n`),
          (error: Error) => io.stderr.write(`ordeal: warning: pushing to ${shown} failed: ${redactUrlsIn(error.message)}\n`),
        )
        .finally(() => http.close());
    }
    keys?.detach();
    keys = undefined;
    if (liveConsole) {
      // The page becomes the final report (it keeps it after ordeal exits; report.html is the same).
      await liveConsole.reportWritten(published, files.find((f) => f.endsWith('report.html')));
      await liveConsole.stop();
    }
    if (options.json) io.stdout.write(`${JSON.stringify(published, null, 2)}\n`);
    else io.stdout.write(renderSummary(published, files, createOutputStyle(io.stdout)));
    // One truth: the exit code is the report's. A signal that came after the last phase ended did not interrupt the run.
    if (interruptedBy && published.verdict !== 'aborted') io.stderr.write(`ordeal: ${interruptedBy} came after the run had finished: its report is complete (verdict ${published.verdict})\n`);
    if (options.failOnRegression && published.verdict === 'pass' && (published.comparison?.regressions ?? 0) > 0) return 1;
    return published.exitCode;
  } finally {
    keys?.detach();
    await liveConsole?.stop();
    await metricsEndpoint?.stop();
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}
