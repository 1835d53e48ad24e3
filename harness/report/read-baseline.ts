import { stat } from 'node:fs/promises';
import path from 'node:path';
import { OrdealError } from '../errors/ordeal-error.ts';
import { GuardedHttp } from '../net/guarded-http.ts';
import { resolveAllowed, type NetworkPolicy } from '../net/network-policy.ts';
import { redactUrl, redactUrlsIn } from '../net/redact-url.ts';
import { parseReport, readReportFile } from './publish-report.ts';
import { MAX_REPORT_BYTES, readRunHistory, type StoredRun } from './run-history.ts';

/** A baseline URL answers within this (a report.json of a six-hour run is a few MiB). */
export const BASELINE_TIMEOUT_MS = 30_000;

export interface BaselineSource {
  /** The scenario this run is of: a folder's baseline is its latest passing run of it. */
  scenarioName: string;
  /** The run being reported, never its own baseline (`ordeal report` on a folder that holds it). */
  exceptRunId?: string;
  /** Where a URL may point (the scenario's allowlist; loopback unless --allow-non-loopback). */
  policy: NetworkPolicy;
  /** Hears a folder that holds no passing run of the scenario (the first run of a CI pipeline): no comparison. */
  onWarning: (message: string) => void;
}

/**
 * The run to compare with, from what `--baseline` names:
 * - a report.json file;
 * - a run folder (it holds a report.json), or a report folder (folders of runs): its latest passing run of the same
 *   scenario; none there is a warning, and the run is compared with nothing (a pipeline's first run);
 * - an http(s) URL of a report.json, allowed by the scenario's allowlist like every address ordeal talks to, read
 *   bounded in size and time, never following a redirect.
 * Anything else (nothing at that path, a URL that does not answer 2xx or not with a report) is exit 2, before load.
 */
export async function readBaseline(given: string, source: BaselineSource): Promise<StoredRun | undefined> {
  if (/^https?:\/\//i.test(given)) return readBaselineUrl(given, source.policy);
  const info = await stat(given).catch(() => undefined);
  if (!info?.isDirectory()) return readReportFile(given, '--baseline');
  const inRunFolder = path.join(given, 'report.json');
  if (await stat(inRunFolder).catch(() => undefined)) return readReportFile(inRunFolder, '--baseline');
  const history = await readRunHistory(given, (file, why) => source.onWarning(`skipped ${file}: it ${why}`));
  const latest = history
    .filter(
      ({ report }) =>
        report.scenario.name === source.scenarioName &&
        report.verdict === 'pass' &&
        report.runId !== source.exceptRunId,
    )
    .at(-1);
  if (!latest)
    source.onWarning(
      `--baseline: "${given}" holds no passing run of scenario "${source.scenarioName}" (of ${history.length} run${history.length === 1 ? '' : 's'} there); this run is compared with none`,
    );
  return latest && { ...latest, file: path.resolve(latest.file) };
}

async function readBaselineUrl(given: string, policy: NetworkPolicy): Promise<StoredRun> {
  let url: URL;
  try {
    url = new URL(given);
  } catch (cause) {
    throw new OrdealError('ORDEAL_ERR_USAGE', `--baseline: "${redactUrl(given)}" is not a URL`, { cause });
  }
  const shown = redactUrl(url.href);
  await resolveAllowed('--baseline', url.hostname, policy);
  const http = new GuardedHttp(policy);
  try {
    const response = await http
      .request(url, { timeoutMs: BASELINE_TIMEOUT_MS, maxBodyBytes: MAX_REPORT_BYTES })
      .catch((cause: Error) => {
        throw new OrdealError(
          'ORDEAL_ERR_USAGE',
          `--baseline: "${shown}" cannot be read (${redactUrlsIn(cause.message)}); give a report.json's URL, file or folder`,
          { cause },
        );
      });
    if (response.status < 200 || response.status > 299)
      throw new OrdealError(
        'ORDEAL_ERR_USAGE',
        `--baseline: "${shown}" answered ${response.status}, not a report.json; give a report.json's URL, file or folder`,
      );
    return { file: shown, report: parseReport(response.text(), '--baseline', shown) };
  } finally {
    await http.close();
  }
}
