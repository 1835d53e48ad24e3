import path from 'node:path';
import { publishReport, readReportFile } from '../report/publish-report.ts';
import type { CliIo } from './cli-io.ts';

/** `ordeal report <report.json>`: every other format, re-rendered from the JSON into its folder. */
export async function reportCommand(
  file: string,
  options: { baseline?: string; compare?: boolean },
  io: CliIo,
): Promise<number> {
  const { report } = await readReportFile(file, '<report.json>');
  const baseline = options.baseline ? await readReportFile(options.baseline, '--baseline') : undefined;
  const runDir = path.dirname(path.resolve(file));
  const reportDir = path.dirname(runDir);
  const stripped = options.compare === false ? { ...report, comparison: undefined } : report;
  const onWarning = (message: string): void => void io.stderr.write(`ordeal: warning: ${message}\n`);
  const { files, report: published } = await publishReport(stripped, reportDir, {
    baseline,
    compare: options.compare,
    runDir,
    onWarning,
  });
  io.stdout.write(`${files.map((f) => `wrote ${f}`).join('\n')}\n`);
  if (published.comparison) io.stdout.write(`${published.comparison.summary}\n`);
  return 0;
}
