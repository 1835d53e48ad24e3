import { writeFile } from 'node:fs/promises';
import { loopbackPodTarget, renderK6OperatorManifest } from '../k6/k6-operator-manifest.ts';
import { OrdealError } from '../errors/ordeal-error.ts';
import { k6FlowParts } from '../k6/k6-flow-parts.ts';
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
export async function exportCommand(
  format: 'k6' | 'k6-operator',
  scenarioFile: string,
  options: ExportOptions,
  io: CliIo,
): Promise<number> {
  const scenario = await loadScenario(scenarioFile);
  const flows = await k6FlowParts(scenario, scenarioFile);
  if (flows && format === 'k6-operator')
    throw new OrdealError(
      'ORDEAL_ERR_USAGE',
      `${scenarioFile}: flows, setup, data and templates are exported as a k6 script (ordeal export k6); a k6-operator manifest of them is not offered yet`,
    );
  const common = {
    sourceName: scenarioFile,
    baseUrl: options.baseUrl,
    timeScale: options.timeScale,
    ...(flows ? { flows } : {}),
  };
  const operator = {
    ...common,
    parallelism: options.parallelism ?? 1,
    name: options.name,
    namespace: options.namespace,
  };
  const text = format === 'k6' ? renderK6Script(scenario, common) : renderK6OperatorManifest(scenario, operator);
  const loopback = format === 'k6-operator' ? loopbackPodTarget(scenario, operator) : undefined;
  if (loopback)
    io.stderr.write(
      `ordeal: warning: the pods would send to ${loopback}, their own loopback, not your service: give --base-url with the address the pods reach\n`,
    );
  if (options.out) {
    await writeFile(options.out, text);
    io.stderr.write(`ordeal: wrote ${options.out}\n`);
  } else io.stdout.write(text);
  return 0;
}
