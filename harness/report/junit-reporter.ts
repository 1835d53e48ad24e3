import path from 'node:path';
import { escapeHtml as escapeXml } from './html/escape-html.ts';
import { writeFileAtomic } from '../files/atomic-write.ts';
import { formatObserved } from './format-number.ts';
import type { Reporter } from './reporter.ts';
import { describeErrorKinds } from './what-went-wrong.ts';
import type { RunReport } from './run-report.ts';

/** XML 1.0 cannot carry most control characters, even escaped. */
// eslint-disable-next-line no-control-regex -- these control characters are exactly what XML cannot carry
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;
const xmlText = (text: string): string => escapeXml(text.replace(NOT_XML, '?'));

/**
 * JUnit XML as GitHub Actions (test reporters), GitLab (artifacts:reports:junit)
 * and Jenkins (junit step) read it: one testsuite per phase, one testcase per
 * check; a failed check is a <failure> with observed vs expected, a check
 * without evidence is <skipped> with the reason, a run that did not finish
 * (aborted, harness error) adds an <error> case.
 */
export function renderJunit(report: RunReport): string {
  const phases = [...new Set(report.checks.map((c) => c.phase))];
  const seconds = (ms: number): string => (ms / 1_000).toFixed(3);
  const suites = phases.map((phase) => {
    const checks = report.checks.filter((c) => c.phase === phase);
    const window = report.phases.find((p) => p.name === phase);
    const phaseMs = window?.start && window.end ? Date.parse(window.end) - Date.parse(window.start) : 0;
    const cases = checks.map((c) => {
      const observed = formatObserved(c.observed, c.metric, c.expected, c.unit);
      const open = `    <testcase classname="${xmlText(`ordeal.${report.scenario.name}.${phase}`)}" name="${xmlText(c.name)}" time="0">`;
      if (c.status === 'fail') {
        // An error-rate failure says what the errors were.
        const kinds = c.metric === 'http_req_failed' && window ? describeErrorKinds(window.errorsByKind) : '';
        const message = `observed ${observed}, expected ${c.expected}${kinds ? ` (errors: ${kinds})` : ''}`;
        return `${open}\n      <failure message="${xmlText(message)}" type="${xmlText(c.metric)}">${xmlText(`${c.name} during ${phase}: ${message}${c.reason ? ` (${c.reason})` : ''}`)}</failure>\n    </testcase>`;
      }
      if (c.status === 'inconclusive')
        return `${open}\n      <skipped message="${xmlText(`inconclusive: ${c.reason ?? 'no evidence'}`)}"/>\n    </testcase>`;
      return `${open}<system-out>${xmlText(`observed ${observed}, expected ${c.expected}`)}</system-out></testcase>`;
    });
    const failures = checks.filter((c) => c.status === 'fail').length;
    const skipped = checks.filter((c) => c.status === 'inconclusive').length;
    return `  <testsuite name="${xmlText(`${report.scenario.name} / ${phase}`)}" tests="${checks.length}" failures="${failures}" errors="0" skipped="${skipped}" time="${seconds(phaseMs)}" timestamp="${xmlText(window?.start ?? report.startedAt)}">\n${cases.join('\n')}\n  </testsuite>`;
  });
  if (report.verdict === 'aborted' || report.error) {
    const message = report.verdict === 'aborted' ? report.verdictReason : `harness error: ${report.error}`;
    suites.push(
      `  <testsuite name="${xmlText(`${report.scenario.name} / run`)}" tests="1" failures="0" errors="1" skipped="0" time="${seconds(report.durationMs)}">\n    <testcase classname="${xmlText(`ordeal.${report.scenario.name}`)}" name="run completes" time="${seconds(report.durationMs)}">\n      <error message="${xmlText(message)}" type="${report.verdict}"/>\n    </testcase>\n  </testsuite>`,
    );
  }
  const total = report.checks.length + (report.verdict === 'aborted' || report.error ? 1 : 0);
  const failures = report.checks.filter((c) => c.status === 'fail').length;
  const skipped = report.checks.filter((c) => c.status === 'inconclusive').length;
  const errors = total - report.checks.length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlText(`ordeal ${report.scenario.name} ${report.runId}`)}" tests="${total}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(report.durationMs)}">\n${suites.join('\n')}\n</testsuites>\n`;
}

export const junitReporter: Reporter = {
  name: 'junit',
  fileName: 'junit.xml',
  async write(report: RunReport, runDir: string): Promise<string> {
    const file = path.join(runDir, 'junit.xml');
    await writeFileAtomic(file, renderJunit(report));
    return file;
  },
};
