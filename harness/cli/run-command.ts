import path from 'node:path';
import { DEFAULT_COMPARE_OPTIONS } from '../compare/compare-runs.ts';
import { publishReport, readReportFile } from '../report/publish-report.ts';
import { RunEvents } from '../run/run-events.ts';
import { runScenario } from '../run/run-scenario.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import { EXIT_CODE_OF_VERDICT } from '../verdict/run-verdict.ts';
import { processIo, type CliIo } from './cli-io.ts';
import { createOutputStyle } from './output-style.ts';
import { attachProgressPrinter } from './progress-printer.ts';
import { renderSummary } from './summary-table.ts';

export interface RunCommandOptions {
  reportDir: string;
  json?: boolean;
  timeScale?: number;
  target?: string;
  toxiproxy?: string;
  prometheus?: string;
  allowNonLoopback?: boolean;
  /** A report.json to compare with; default: the previous passing run of the scenario in reportDir. */
  baseline?: string;
  /** false with --no-compare. */
  compare?: boolean;
  tolerance?: number;
  failOnRegression?: boolean;
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * `ordeal run`: the first SIGINT/SIGTERM stops load, removes faults, writes the
 * report and exits 130/143; a second signal during cleanup is ignored.
 */
export async function runCommand(scenarioFile: string, options: RunCommandOptions, io: CliIo = processIo): Promise<number> {
  const scenario = await loadScenario(scenarioFile);
  // A bad --baseline is bad input: refused before anything is sent.
  const baseline = options.baseline ? await readReportFile(options.baseline, '--baseline') : undefined;
  const controller = new AbortController();
  let interruptedBy: keyof typeof SIGNAL_EXIT_CODES | undefined;
  const onSignal = (signal: keyof typeof SIGNAL_EXIT_CODES): void => {
    if (interruptedBy) {
      io.stderr.write(`ordeal: ${signal} again: still removing faults and writing the report\n`);
      return;
    }
    interruptedBy = signal;
    io.stderr.write(`\nordeal: ${signal}: stopping load, removing faults, writing the report\n`);
    controller.abort(signal);
  };
  const onInt = (): void => onSignal('SIGINT');
  const onTerm = (): void => onSignal('SIGTERM');
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onTerm);
  try {
    const events = new RunEvents();
    const style = createOutputStyle(io.stderr);
    attachProgressPrinter(events, io.stderr, style);
    const report = await runScenario(scenario, {
      scenarioFile,
      events,
      signal: controller.signal,
      timeScale: options.timeScale,
      targetUrl: options.target,
      toxiproxyUrl: options.toxiproxy,
      prometheusUrl: options.prometheus,
      allowNonLoopback: options.allowNonLoopback,
    });
    const { files, report: published } = await publishReport(report, path.resolve(options.reportDir), {
      baseline,
      compare: options.compare,
      compareOptions: { ...DEFAULT_COMPARE_OPTIONS, latencyTolerancePercent: options.tolerance ?? DEFAULT_COMPARE_OPTIONS.latencyTolerancePercent },
      stepSummaryFile: process.env.GITHUB_STEP_SUMMARY || undefined,
    });
    if (options.json) io.stdout.write(`${JSON.stringify(published, null, 2)}\n`);
    else io.stdout.write(renderSummary(published, files, createOutputStyle(io.stdout)));
    if (interruptedBy) return SIGNAL_EXIT_CODES[interruptedBy];
    if (options.failOnRegression && published.verdict === 'pass' && (published.comparison?.regressions ?? 0) > 0) return 1;
    return EXIT_CODE_OF_VERDICT[published.verdict];
  } finally {
    process.off('SIGINT', onInt);
    process.off('SIGTERM', onTerm);
  }
}
