import { compileFlows } from '../flows/compile-flows.ts';
import { loadDataRows } from '../flows/flow-inputs.ts';
import { usesFlowFeatures } from '../scenario/flow-features.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { FlowScriptParts } from './k6-flow-script.ts';

/** Every environment variable counts as set: an export reads them from __ENV at k6's run time, never their values now. */
const ANY_ENV = new Proxy({}, { get: () => '' }) as Record<string, string>;

/**
 * A scenario's flows compiled for a k6 export, or undefined for plain
 * requests. Checks templates and the data file's columns like a run does
 * (exit 2 on a mistake); reads no environment value.
 */
export async function k6FlowParts(scenario: Scenario, scenarioFile?: string): Promise<FlowScriptParts | undefined> {
  if (!usesFlowFeatures(scenario)) return undefined;
  const data = scenario.data ? await loadDataRows(scenario.data, scenarioFile) : undefined;
  const compiled = compileFlows(scenario, {
    env: ANY_ENV,
    ...(data ? { dataColumns: data.columns, dataFile: data.file } : {}),
  });
  return {
    flows: compiled.flows,
    ...(compiled.setup ? { setup: compiled.setup } : {}),
    ...(data ? { data: { file: data.file, order: data.order } } : {}),
    timeout: scenario.load.timeout.text,
    closed: scenario.load.model === 'closed',
  };
}
