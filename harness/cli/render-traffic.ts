import type { CompiledFlow, CompiledStep, FlowInputs } from '../flows/compiled-flow.ts';
import { describeRef, refsOf, type TemplateRef } from '../flows/template.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';

const pathText = (step: CompiledStep): string =>
  step.path.parts.map((p) => (typeof p === 'string' ? p : `{{ ${describeRef(p)} }}`)).join('');

/** Where a template's value comes from, in words (never the value of a secret). */
function origin(
  ref: TemplateRef,
  scenario: Scenario,
  capturedBy: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string>>,
): string {
  switch (ref.kind) {
    case 'var':
      return `${ref.name} (captured by ${capturedBy.get(ref.name) ?? 'setup'})`;
    case 'env':
      return (scenario.env?.public ?? []).includes(ref.name)
        ? `env.${ref.name} = ${JSON.stringify(env[ref.name] ?? '')}`
        : `env.${ref.name} (secret: never shown)`;
    case 'data':
      return `data.${ref.column}`;
    default:
      return `${describeRef(ref)} (helper)`;
  }
}

function stepLines(
  step: CompiledStep,
  indent: string,
  scenario: Scenario,
  capturedBy: Map<string, string>,
  env: Readonly<Record<string, string>>,
): string[] {
  const templates = [step.path, ...step.headers.map(([, t]) => t), ...(step.body ? [step.body] : [])];
  const uses = [...new Set(templates.flatMap(refsOf).map((ref) => origin(ref, scenario, capturedBy, env)))];
  const captures = step.captures.map((c) => `${c.variable} ← ${c.source}`);
  for (const c of step.captures) capturedBy.set(c.variable, `step ${step.name}`);
  return [
    `${indent}${step.name.padEnd(14)} ${step.method} ${pathText(step)}${step.expectStatus ? `  expects ${step.expectStatus.join(' or ')}` : ''}`,
    ...(uses.length ? [`${indent}${' '.repeat(15)}uses ${uses.join(', ')}`] : []),
    ...(captures.length ? [`${indent}${' '.repeat(15)}captures ${captures.join(', ')}`] : []),
  ];
}

function flowLines(flow: CompiledFlow, scenario: Scenario, inputs: FlowInputs, shared: Map<string, string>): string[] {
  const capturedBy = new Map(shared);
  const think = flow.thinkTime
    ? `, think ${flow.thinkTime.minMs === flow.thinkTime.maxMs ? `${flow.thinkTime.minMs} ms` : `${flow.thinkTime.minMs}–${flow.thinkTime.maxMs} ms`}${scenario.load.model === 'open' ? ' (closed model only: ignored here)' : ''}`
    : '';
  return [
    `  flow ${flow.name} (weight ${flow.weight}${think}): ${flow.steps.map((s) => s.name).join(' → ')}`,
    ...flow.steps.flatMap((step) => stepLines(step, '    ', scenario, capturedBy, inputs.env)),
  ];
}

/** The dry-run view of the traffic: requests, flows with their steps, setup, the data file and where every variable comes from. */
export function renderTraffic(scenario: Scenario, inputs: FlowInputs): string[] {
  const plain = inputs.flows.filter((f) => f.plain);
  const flows = inputs.flows.filter((f) => !f.plain);
  if (
    flows.length === 0 &&
    !inputs.setup &&
    !inputs.data &&
    plain.every((f) => f.steps[0]!.fixed && !f.steps[0]!.expectStatus)
  ) {
    return [`requests: ${scenario.requests.map((r) => `${r.method} ${r.path} (weight ${r.weight})`).join(', ')}`];
  }
  const shared = new Map<string, string>();
  const lines: string[] = [];
  if (inputs.setup) {
    lines.push('setup (once, before the first phase, counted in none; its captures reach every iteration):');
    for (const step of inputs.setup) lines.push(...stepLines(step, '    ', scenario, shared, inputs.env));
  }
  lines.push(
    `traffic (${scenario.load.model === 'open' ? 'each arrival runs one iteration' : 'each virtual user runs iteration after iteration'}, picked by weight):`,
  );
  for (const flow of plain)
    lines.push(
      `  request (weight ${flow.weight}):`,
      ...stepLines(flow.steps[0]!, '    ', scenario, new Map(shared), inputs.env),
    );
  for (const flow of flows) lines.push(...flowLines(flow, scenario, inputs, shared));
  if (inputs.data)
    lines.push(
      `data: ${inputs.data.file}, ${inputs.data.rows.length} rows (columns ${inputs.data.columns.join(', ')}), order ${inputs.data.order}`,
    );
  return lines;
}
