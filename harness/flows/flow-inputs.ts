import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { OrdealError } from '../errors/ordeal-error.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { DataRows, FlowInputs } from './compiled-flow.ts';
import { compileFlows } from './compile-flows.ts';
import { readRegularFile } from '../files/read-regular-file.ts';

/** The largest data file ordeal reads (its rows are kept in memory and copied to every load worker). */
export const MAX_DATA_FILE_BYTES = 64 * 1024 * 1024;

function bad(message: string, cause?: unknown): OrdealError {
  return new OrdealError('ORDEAL_ERR_SCENARIO', `data.file: ${message}`, cause === undefined ? undefined : { cause });
}

/** Rows as text by column: CSV (csv-parse, header row) or a JSON array of flat objects. */
function parseRows(file: string, text: string): Record<string, string>[] {
  if (/\.json$/i.test(file)) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw bad(`${file} is not JSON: ${(error as Error).message}`, error);
    }
    if (!Array.isArray(parsed) || parsed.some((row) => row === null || typeof row !== 'object' || Array.isArray(row)))
      throw bad(`${file} must hold an array of objects (e.g. [{ "user": "ann" }])`);
    return parsed.map((row: Record<string, unknown>) =>
      Object.fromEntries(
        Object.entries(row).map(([k, v]) => [k, typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v)]),
      ),
    );
  }
  try {
    return parseCsv(text, { columns: true, skip_empty_lines: true, trim: true, bom: true }) as Record<string, string>[];
  } catch (error) {
    throw bad(`${file} is not a CSV file with a header row: ${(error as Error).message}`, error);
  }
}

/** Reads and checks the scenario's data file (relative to the scenario file). Sends nothing. */
export async function loadDataRows(data: NonNullable<Scenario['data']>, scenarioFile?: string): Promise<DataRows> {
  const file = path.resolve(scenarioFile ? path.dirname(scenarioFile) : process.cwd(), data.file);
  let text: string;
  try {
    text = await readRegularFile(file, MAX_DATA_FILE_BYTES);
  } catch (error) {
    throw bad(
      `"${data.file}" ${(error as Error).message} (looked for ${file}, relative to ${scenarioFile ? 'the scenario file' : 'the working directory'}; give a CSV or JSON file of at most 64 MiB)`,
      error,
    );
  }
  const rows = parseRows(data.file, text);
  if (rows.length === 0) throw bad(`"${data.file}" has no rows (add at least one under the header)`);
  const columns = Object.keys(rows[0]!);
  return { file: data.file, order: data.order, columns, rows };
}

/**
 * Everything a run needs beyond the scenario, checked before any load: the
 * data rows, the environment values the templates name (a missing one is
 * exit 2), compiled flows, and the secrets no output may show.
 */
export async function prepareFlowInputs(
  scenario: Scenario,
  options: { scenarioFile?: string; env?: Readonly<Record<string, string | undefined>> } = {},
): Promise<FlowInputs> {
  const data = scenario.data ? await loadDataRows(scenario.data, options.scenarioFile) : undefined;
  const compiled = compileFlows(scenario, {
    env: options.env ?? process.env,
    ...(data ? { dataColumns: data.columns, dataFile: data.file } : {}),
  });
  return { ...compiled, ...(data ? { data } : {}) };
}
