import { OrdealError } from '../errors/ordeal-error.ts';
import { prepareRequest } from './request-mix.ts';
import type { Scenario } from '../scenario/scenario-schema.ts';
import type { CompiledCapture, CompiledFlow, CompiledStep, FlowInputs } from './compiled-flow.ts';
import { parseJsonPath } from './json-path.ts';
import { isSecretHeader } from '../scenario/secret-headers.ts';
import { compileTemplate, isStatic, refsOf, type Template, type TemplateEscape, type TemplateRef } from './template.ts';

type StepInput = Scenario['flows'][number]['steps'][number];
type RequestInput = Scenario['requests'][number];

export interface CompileContext {
  /** Variables set (or not) in the environment, by name. */
  env: Readonly<Record<string, string | undefined>>;
  /** The data file's columns; undefined: the scenario has no data. */
  dataColumns?: readonly string[];
  dataFile?: string;
}

/** What compiling found that the load needs: environment values used, and secrets. */
export interface CompileResult {
  flows: CompiledFlow[];
  setup?: CompiledStep[];
  env: Record<string, string>;
  secrets: string[];
}

function fail(field: string, message: string): never {
  throw new OrdealError('ORDEAL_ERR_SCENARIO', `${field}: ${message}`);
}

/** The parts of a scenario that describe its traffic. */
export type TrafficSpec = Pick<Scenario, 'requests' | 'flows' | 'setup' | 'env'>;

class FlowCompiler {
  readonly env: Record<string, string> = {};
  readonly secrets = new Set<string>();
  private readonly publicEnv: ReadonlySet<string>;

  constructor(
    private readonly scenario: TrafficSpec,
    private readonly context: CompileContext,
  ) {
    this.publicEnv = new Set(scenario.env?.public ?? []);
  }

  /** Checks every reference before any load: the variable is captured earlier, the env var set, the column present. */
  private check(field: string, ref: TemplateRef, captured: ReadonlySet<string>): void {
    if (ref.kind === 'var' && !captured.has(ref.name)) {
      fail(
        field,
        `"{{ ${ref.name} }}" is captured by no earlier step${this.scenario.setup ? ' and not by setup' : ''} (captured so far: ${[...captured].join(', ') || 'none'}); capture it first, or use {{ env.${ref.name} }} or {{ data.${ref.name} }}`,
      );
    }
    if (ref.kind === 'env') {
      const value = this.context.env[ref.name];
      if (value === undefined)
        fail(
          field,
          `"{{ env.${ref.name} }}" names an environment variable that is not set (set ${ref.name} before running; nothing was sent)`,
        );
      this.env[ref.name] = value;
      // Shorter values are no secret worth the name, and replacing them would garble every line printed.
      if (!this.publicEnv.has(ref.name) && value.length >= 4) this.secrets.add(value);
    }
    if (ref.kind === 'data') {
      if (!this.context.dataColumns)
        fail(field, `"{{ data.${ref.column} }}" needs a data file (add data: { file: "rows.csv" })`);
      if (!this.context.dataColumns.includes(ref.column))
        fail(
          field,
          `"{{ data.${ref.column} }}" names no column of ${this.context.dataFile} (${shownColumns(this.context.dataColumns)})`,
        );
    }
  }

  private template(field: string, text: string, captured: ReadonlySet<string>, escape: TemplateEscape): Template {
    let template: Template;
    try {
      template = compileTemplate(text, escape);
    } catch (error) {
      fail(field, (error as Error).message);
    }
    for (const ref of refsOf(template)) this.check(field, ref, captured);
    return template;
  }

  step(field: string, input: StepInput | RequestInput, name: string, captured: Set<string>): CompiledStep {
    const bodyText =
      input.body === undefined ? undefined : typeof input.body === 'string' ? input.body : JSON.stringify(input.body);
    const headers = Object.entries(input.headers ?? {});
    if (
      input.body !== undefined &&
      typeof input.body !== 'string' &&
      !headers.some(([h]) => h.toLowerCase() === 'content-type')
    )
      headers.push(['content-type', 'application/json']);
    for (const [header, value] of headers) {
      if (isSecretHeader(header) && !/\{\{/.test(value)) {
        this.secrets.add(value);
        const credential = value.split(' ').slice(1).join(' ');
        if (credential.length >= 4) this.secrets.add(credential);
      }
    }
    const compiled: CompiledStep = {
      name,
      method: input.method,
      path: this.template(`${field}.path`, input.path, captured, 'uri'),
      headers: headers.map(([header, value]) => [
        header,
        this.template(`${field}.headers.${header}`, value, captured, 'header'),
      ]),
      ...(bodyText === undefined
        ? {}
        : {
            body: this.template(`${field}.body`, bodyText, captured, typeof input.body === 'string' ? 'none' : 'json'),
          }),
      captures: this.captures(field, 'capture' in input ? input.capture : undefined),
      ...(input.expect ? { expectStatus: ([] as number[]).concat(input.expect.status) } : {}),
    };
    for (const capture of compiled.captures) captured.add(capture.variable);
    const fixed =
      isStatic(compiled.path) &&
      compiled.headers.every(([, t]) => isStatic(t)) &&
      (!compiled.body || isStatic(compiled.body)) &&
      compiled.captures.length === 0;
    return fixed ? { ...compiled, fixed: prepareRequest({ ...input, weight: 1 } as RequestInput) } : compiled;
  }

  private captures(field: string, capture: StepInput['capture']): CompiledCapture[] {
    return Object.entries(capture ?? {}).map(([variable, spec]): CompiledCapture => {
      if ('json' in spec) {
        const path = parseJsonPath(spec.json);
        if (!path)
          fail(
            `${field}.capture.${variable}.json`,
            `"${spec.json}" is not a JSON path (use "token", "$.data.id" or "items[0].id")`,
          );
        return { variable, from: 'json', path, source: `json ${spec.json}` };
      }
      if ('header' in spec)
        return { variable, from: 'header', header: spec.header.toLowerCase(), source: `header ${spec.header}` };
      return { variable, from: 'regex', regex: spec.regex, group: spec.group, source: `regex /${spec.regex}/` };
    });
  }

  thinkTime(field: string, thinkTime: Scenario['flows'][number]['thinkTime']): CompiledFlow['thinkTime'] {
    if (thinkTime === undefined) return undefined;
    const [min, max] = 'min' in thinkTime ? [thinkTime.min, thinkTime.max] : [thinkTime, thinkTime];
    const [minMs, maxMs] = [min.ms, max.ms];
    if (maxMs < minMs) fail(`${field}.thinkTime`, `max ${max.text} is shorter than min ${min.text}`);
    return { minMs, maxMs };
  }
}

/** Plain requests' names: the given one, else "METHOD path". */
export function requestName(request: RequestInput): string {
  return request.name ?? `${request.method} ${request.path}`;
}

/**
 * Compiles the scenario's requests (each a one-step flow) and flows, and its
 * setup, checking every template against what exists before any load.
 * Throws ORDEAL_ERR_SCENARIO (exit 2) naming the field.
 */
export function compileFlows(scenario: TrafficSpec, context: CompileContext): CompileResult {
  const compiler = new FlowCompiler(scenario, context);
  const shared = new Set<string>();
  const setup = scenario.setup?.steps.map((step, i) => compiler.step(`setup.steps[${i}]`, step, step.name, shared));
  const flows: CompiledFlow[] = [
    ...scenario.requests.map((request, i): CompiledFlow => ({
      name: requestName(request),
      weight: request.weight,
      steps: [compiler.step(`requests[${i}]`, request, requestName(request), new Set(shared))],
      plain: true,
    })),
    ...scenario.flows.map((flow, i): CompiledFlow => {
      const captured = new Set(shared);
      const steps = flow.steps.map((step, j) => compiler.step(`flows[${i}].steps[${j}]`, step, step.name, captured));
      const thinkTime = compiler.thinkTime(`flows[${i}]`, flow.thinkTime);
      return { name: flow.name, weight: flow.weight, steps, ...(thinkTime ? { thinkTime } : {}), plain: false };
    }),
  ];
  return {
    flows,
    ...(setup ? { setup } : {}),
    env: compiler.env,
    secrets: [...compiler.secrets].sort((a, b) => b.length - a.length),
  };
}

/** Plain requests only (no environment, no data): what a driver runs when it was given no compiled flows. */
export function compileRequests(requests: readonly RequestInput[]): FlowInputs {
  return compileFlows({ requests: [...requests], flows: [], setup: undefined, env: undefined }, { env: {} });
}

/**
 * A data file's columns as a person should see them: the names a template can
 * use, and never the raw text of a first line that is not a CSV header (a
 * file that is not data — a password file — must not be echoed into a
 * terminal or a CI log).
 */
function shownColumns(columns: readonly string[]): string {
  const names = columns.filter((column) => /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/.test(column));
  if (names.length === 0) return 'its first line is not a CSV header of column names; is it the data file you meant?';
  const others = columns.length - names.length;
  return `its columns: ${names.slice(0, 20).join(', ')}${names.length > 20 ? ', …' : ''}${others > 0 ? ` (and ${others} that are not names)` : ''}`;
}
