import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Writes a scenario as JSON into a fresh temporary folder; returns the file and a report folder beside it. */
export async function writeTempScenario(
  scenario: unknown,
  name = 'scenario.json',
): Promise<{ file: string; reportDir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'ordeal-test-'));
  const file = path.join(dir, name);
  await writeFile(file, typeof scenario === 'string' ? scenario : JSON.stringify(scenario, null, 2));
  return { file, reportDir: path.join(dir, 'reports') };
}
