import { stat } from 'node:fs/promises';
import path from 'node:path';
import { finishInterrupted } from '../report/checkpoint-report.ts';
import { publishReport, readReportFile } from '../report/publish-report.ts';
import { readBaseline } from '../report/read-baseline.ts';
import { DEFAULT_ALLOWLIST } from '../scenario/scenario-schema.ts';
import type { CliIo } from './cli-io.ts';

/**
 * `ordeal report <report.json | run folder>`: every other format, re-rendered from the JSON into its folder. A
 * checkpoint left by a run that never finished is turned into that run's final report: interrupted (aborted).
 */
export async function reportCommand(
  given: string,
  options: { baseline?: string; compare?: boolean },
  io: CliIo,
): Promise<number> {
  const file = (await stat(given).catch(() => undefined))?.isDirectory() ? path.join(given, 'report.json') : given;
  const read = (await readReportFile(file, '<report.json>')).report;
  const report = finishInterrupted(read);
  if (report !== read) io.stderr.write(`ordeal: ${report.verdictReason}\n`);
  const onWarning = (message: string): void => void io.stderr.write(`ordeal: warning: ${message}\n`);
  // A baseline URL may point where the default allowlist does (loopback): the report does not keep the scenario's own.
  const baseline = options.baseline
    ? await readBaseline(options.baseline, {
        scenarioName: report.scenario.name,
        exceptRunId: report.runId,
        policy: { allowlist: DEFAULT_ALLOWLIST, allowNonLoopback: false },
        onWarning,
      })
    : undefined;
  const runDir = path.dirname(path.resolve(file));
  const reportDir = path.dirname(runDir);
  // A --baseline that held no passing run of this scenario compares with none.
  const compare = options.baseline !== undefined && baseline === undefined ? false : options.compare;
  const stripped = compare === false ? { ...report, comparison: undefined } : report;
  const { files, report: published } = await publishReport(stripped, reportDir, {
    baseline,
    compare,
    runDir,
    onWarning,
  });
  io.stdout.write(`${files.map((f) => `wrote ${f}`).join('\n')}\n`);
  if (published.comparison) io.stdout.write(`${published.comparison.summary}\n`);
  return 0;
}
