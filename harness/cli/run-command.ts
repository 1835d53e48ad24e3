import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { FlowInputs } from '../flows/compiled-flow.ts';
import { prepareFlowInputs } from '../flows/flow-inputs.ts';
import { redactText } from '../flows/redact-secrets.ts';
import { readBaseline } from '../report/read-baseline.ts';
import type { RunReport } from '../report/run-report.ts';
import { assertWritableFolder } from '../report/writable-folder.ts';
import { ConfirmGate } from '../run/confirm-gate.ts';
import type { OperatorControls } from '../run/operator.ts';
import { RunEvents } from '../events/run-events.ts';
import { runScenario } from '../run/run-scenario.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import { CheckpointAddOn } from './add-ons/checkpoint-add-on.ts';
import { LiveConsoleAddOn } from './add-ons/live-console-add-on.ts';
import { MetricsEndpointAddOn } from './add-ons/metrics-endpoint-add-on.ts';
import { PushgatewayAddOn } from './add-ons/pushgateway-add-on.ts';
import { RemoteWriteAddOn } from './add-ons/remote-write-add-on.ts';
import type { AddOnContext, RunAddOn } from './add-ons/run-add-on.ts';
import { TerminalKeysAddOn, terminalKeysUsable } from './add-ons/terminal-keys-add-on.ts';
import { processIo, redactingIo, type CliIo } from './cli-io.ts';
import { createOutputStyle } from './output-style.ts';
import { attachProgressPrinter } from './progress-printer.ts';
import { publishRun } from './publish-run.ts';
import type { RunCommandOptions } from './run-command-options.ts';
import { StopSignals } from './stop-signals.ts';
import { renderSummary } from './summary-table.ts';

export type { RunCommandOptions } from './run-command-options.ts';

/** How long --confirm-faults waits for an operator by default. */
const DEFAULT_CONFIRM_MS = 5 * 60_000;

/**
 * `ordeal run`: the first SIGINT/SIGTERM/SIGHUP stops load, removes faults,
 * writes the report (its verdict says which signal) and exits 130/143/129; a
 * second signal during cleanup is ignored. The report folder is checked before
 * anything is sent; if writing still fails at the end, the report goes to a
 * fallback folder and ordeal says where.
 */
export async function runCommand(
  scenarioFile: string,
  options: RunCommandOptions,
  rawIo: CliIo = processIo,
): Promise<number> {
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

async function runChecked(
  scenario: Scenario,
  scenarioFile: string,
  flowInputs: FlowInputs,
  options: RunCommandOptions,
  io: CliIo,
): Promise<number> {
  // Bad input is refused before anything is sent: a bad --baseline, a report folder ordeal cannot write, an add-on that cannot start.
  const baseline = options.baseline
    ? await readBaseline(options.baseline, {
        scenarioName: scenario.name,
        policy: { allowlist: scenario.target.allowlist, allowNonLoopback: options.allowNonLoopback === true },
        onWarning: (message) => void io.stderr.write(`ordeal: warning: ${message}\n`),
      })
    : undefined;
  const reportDir = path.resolve(options.reportDir);
  await assertWritableFolder('--report-dir', reportDir);
  const stop = new StopSignals(io.stderr).listen();
  const addOns = chosenAddOns(options, io);
  try {
    let controls: OperatorControls | undefined;
    const context = addOnContext(scenario, options, io, stop, () => controls, reportDir);
    for (const addOn of addOns) await addOn.start?.(context);
    const keys = addOns.find((addOn) => addOn instanceof TerminalKeysAddOn)?.keys;
    attachProgressPrinter(context.events, io.stderr, context.style, keys ? { typed: keys } : {});
    const report = await runScenario(scenario, {
      scenarioFile,
      flowInputs,
      events: context.events,
      operator: {
        attach: (given) => ((controls = given), addOns.forEach((addOn) => addOn.attach?.(given))),
        ...(context.confirmGate ? { confirmFaults: (phase, signal) => context.confirmGate!.wait(phase, signal) } : {}),
      },
      signal: stop.signal,
      timeScale: options.timeScale,
      targetUrl: options.target,
      toxiproxyUrl: options.toxiproxy,
      toxiproxyProvider: options.toxiproxyProvider,
      prometheusUrl: options.prometheus,
      allowNonLoopback: options.allowNonLoopback,
    });
    for (const addOn of addOns) await addOn.runEnded?.();
    // A --baseline that held no passing run of this scenario (a pipeline's first run) compares with none.
    const compare = options.baseline !== undefined && baseline === undefined ? { ...options, compare: false } : options;
    const { files, report: published } = await publishRun(report, reportDir, compare, baseline, io);
    for (const addOn of addOns) await addOn.published?.(published, files);
    return finalWords(published, files, options, io, stop);
  } finally {
    for (const addOn of addOns) await addOn.stop();
    stop.close();
  }
}

/** As k6's Prometheus remote-write output pushes by default. */
const DEFAULT_REMOTE_WRITE_INTERVAL_MS = 5_000;

/** The add-ons the options ask for, in the order they start (the pushgateway's and remote write's addresses are checked first). */
function chosenAddOns(options: RunCommandOptions, io: CliIo): RunAddOn[] {
  const useKeys = terminalKeysUsable(options.json, io.stderr.isTTY === true);
  if (options.confirmFaults !== undefined && options.ui === undefined && !useKeys) {
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      '--confirm-faults needs --ui or a terminal: the confirm is a button on the live console, or the c key where ordeal runs',
    );
  }
  return [
    ...(options.pushgateway ? [new PushgatewayAddOn(options.pushgateway)] : []),
    ...(options.remoteWrite
      ? [new RemoteWriteAddOn(options.remoteWrite, options.remoteWriteInterval ?? DEFAULT_REMOTE_WRITE_INTERVAL_MS)]
      : []),
    ...(useKeys ? [new TerminalKeysAddOn()] : []),
    ...(options.ui !== undefined ? [new LiveConsoleAddOn(options.ui === true ? 0 : options.ui)] : []),
    ...(options.metricsPort !== undefined ? [new MetricsEndpointAddOn(options.metricsPort)] : []),
    new CheckpointAddOn(),
  ];
}

function addOnContext(
  scenario: Scenario,
  options: RunCommandOptions,
  io: CliIo,
  stop: StopSignals,
  controls: () => OperatorControls | undefined,
  reportDir: string,
): AddOnContext {
  const confirmMs = options.confirmFaults === true ? DEFAULT_CONFIRM_MS : options.confirmFaults;
  return {
    scenario,
    options,
    io,
    style: createOutputStyle(io.stderr),
    events: new RunEvents(),
    ...(confirmMs !== undefined ? { confirmGate: new ConfirmGate(confirmMs) } : {}),
    controls,
    interrupt: (reason) => stop.interrupt(reason),
    reportDir,
  };
}

/** The summary (or the report as JSON), and the exit code: the report's, one truth. */
function finalWords(
  published: RunReport,
  files: readonly string[],
  options: RunCommandOptions,
  io: CliIo,
  stop: StopSignals,
): number {
  if (options.json) io.stdout.write(`${JSON.stringify(published, null, 2)}\n`);
  else io.stdout.write(renderSummary(published, files, createOutputStyle(io.stdout)));
  // A signal that came after the last phase ended did not interrupt the run.
  if (stop.interruptedBy && published.verdict !== 'aborted') {
    io.stderr.write(
      `ordeal: ${stop.interruptedBy} came after the run had finished: its report is complete (verdict ${published.verdict})\n`,
    );
  }
  if (options.failOnRegression && published.verdict === 'pass' && (published.comparison?.regressions ?? 0) > 0)
    return 1;
  return published.exitCode;
}
