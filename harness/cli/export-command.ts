import { writeFile } from 'node:fs/promises';
import { renderK6OperatorManifest } from '../k6/k6-operator-manifest.ts';
import { renderK6Script } from '../k6/k6-script.ts';
import { loadScenario } from '../scenario/load-scenario.ts';
import type { CliIo } from './cli-io.ts';

export interface ExportOptions {
  out?: string;
  baseUrl?: string;
  parallelism?: number;
  name?: string;
  namespace?: string;
  timeScale?: number;
}

/** `ordeal export k6|k6-operator <scenario>`: writes the script (or manifest) to --out, else stdout. Sends nothing. */
export async function exportCommand(format: 'k6' | 'k6-operator', scenarioFile: string, options: ExportOptions, io: CliIo): Promise<number> {
  const scenario = await loadScenario(scenarioFile);
  const common = { sourceName: scenarioFile, baseUrl: options.baseUrl, timeScale: options.timeScale };
  const text =
    format === 'k6'
      ? renderK6Script(scenario, common)
      : renderK6OperatorManifest(scenario, { ...common, parallelism: options.parallelism ?? 1, name: options.name, namespace: options.namespace });
  if (options.out) {
    await writeFile(options.out, text);
    io.stderr.write(`ordeal: wrote ${options.out}\n`);
  } else io.stdout.write(text);
  return 0;
}
