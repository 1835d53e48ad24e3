import type { CompiledFlow, CompiledStep, DataRows } from '../flows/compiled-flow.ts';
import { isSecretHeader } from '../scenario/secret-headers.ts';
import type { Template, TemplateRef } from '../flows/template.ts';

const q = (value: unknown): string => JSON.stringify(value);
/** A header with a static value that is a secret: read from __ENV in the script, never written into it. */
const staticSecret = ([name, template]: CompiledStep['headers'][number]): boolean =>
  isSecretHeader(name) && template.parts.every((p) => typeof p === 'string');

/** The environment variable a static secret header is read from in an export: never baked in. */
export function secretHeaderEnv(header: string): string {
  return `ORDEAL_HEADER_${header.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function refExpression(ref: TemplateRef): string {
  switch (ref.kind) {
    case 'var':
      return `(vars[${q(ref.name)}] ?? '')`;
    case 'env':
      return `env(${q(ref.name)})`;
    case 'data':
      return `(row[${q(ref.column)}] ?? '')`;
    case 'uuid':
      return 'uuid()';
    case 'isoTime':
      return 'new Date().toISOString()';
    case 'randomInt':
      return `String(${ref.min} + Math.floor(Math.random() * ${ref.max - ref.min + 1}))`;
  }
}

const ESCAPE: Record<Template['escape'], (expression: string) => string> = {
  none: (x) => x,
  json: (x) => `JSON.stringify(${x}).slice(1, -1)`,
  uri: (x) => `encodeURIComponent(${x})`,
  header: (x) => `${x}.replace(/[\\r\\n\\0]/g, '')`,
};

/** A compiled template as a JavaScript expression: literals and the k6 script's own lookups, concatenated. */
export function templateExpression(template: Template): string {
  const parts = template.parts.map((part) =>
    typeof part === 'string' ? q(part) : ESCAPE[template.escape](refExpression(part)),
  );
  return parts.length === 1 ? parts[0]! : parts.join(' + ');
}

function headersExpression(step: CompiledStep): string {
  const entries = step.headers.map(([name, template]) => {
    return `${q(name)}: ${staticSecret([name, template]) ? `env(${q(secretHeaderEnv(name))})` : templateExpression(template)}`;
  });
  return `{ ${entries.join(', ')} }`;
}

function captureSpec(capture: CompiledStep['captures'][number]): string {
  if (capture.from === 'json') return `{ json: ${q(capture.path)} }`;
  if (capture.from === 'header') return `{ header: ${q(capture.header)} }`;
  return `{ regex: ${q(capture.regex)}, group: ${capture.group} }`;
}

/** One step as k6 code: the request (tagged with its name), its expected statuses, its captures; a failure ends the iteration. */
function stepLines(step: CompiledStep, timeout: string, onFailure: string): string[] {
  const params = [
    `headers: ${headersExpression(step)}`,
    `tags: { name: ${q(step.name)} }`,
    `timeout: ${q(timeout)}`,
    ...(step.captures.length > 0 ? ["responseType: 'text'"] : []),
    ...(step.expectStatus ? [`responseCallback: http.expectedStatuses(${step.expectStatus.join(', ')})`] : []),
  ];
  const lines = [
    `  res = http.request(${q(step.method)}, BASE_URL + ${templateExpression(step.path)}, ${step.body ? templateExpression(step.body) : 'null'}, { ${params.join(', ')} });`,
    `  if (!succeeded(res, ${step.expectStatus ? q(step.expectStatus) : 'null'})) ${onFailure.replace('%s', `step ${step.name}: HTTP ' + res.status + '`)}`,
  ];
  for (const capture of step.captures) {
    lines.push(
      `  value = capture(res, ${captureSpec(capture)});`,
      `  if (!check(res, { ${q(`${step.name}: capture ${capture.variable}`)}: () => value !== undefined })) ${onFailure.replace('%s', `step ${step.name}: capture ${capture.variable} found nothing`)}`,
      `  vars[${q(capture.variable)}] = value as string;`,
    );
  }
  return lines;
}

export interface FlowScriptParts {
  flows: CompiledFlow[];
  setup?: CompiledStep[];
  data?: Pick<DataRows, 'file' | 'order'>;
  timeout: string;
  closed: boolean;
}

/**
 * The traffic part of a k6 script for flows: helpers, the data file as a
 * SharedArray, setup() for the setup steps, one function per flow, and the
 * `traffic` exec function every phase's scenario calls. Environment values
 * (and static Authorization/Cookie headers) are read from __ENV, never written
 * into the script.
 */
export function flowScriptLines(parts: FlowScriptParts): string[] {
  const { flows, setup, data, timeout, closed } = parts;
  const secretHeaders = [
    ...new Set(
      flows
        .flatMap((f) => f.steps)
        .concat(setup ?? [])
        .flatMap((s) => s.headers.filter(staticSecret).map(([n]) => secretHeaderEnv(n))),
    ),
  ];
  const lines = [
    ...(secretHeaders.length
      ? [
          `// Secret headers are read from the environment: k6 run -e ${secretHeaders.map((n) => `${n}=…`).join(' -e ')} …`,
        ]
      : []),
    '',
    ...HELPER_LINES,
  ];
  lines.push(...dataLines(data));
  if (setup) lines.push(...setupLines(setup, timeout));
  flows.forEach((flow, index) => lines.push(...flowLines(flow, index, timeout, closed)));
  lines.push(
    `const FLOWS: { weight: number; run: (vars: Vars, row: Row) => void }[] = [${flows.map((f, i) => `{ weight: ${f.weight}, run: flow${i} }`).join(', ')}];`,
    'const TOTAL_WEIGHT = FLOWS.reduce((sum, f) => sum + f.weight, 0);',
    '',
    '/** One arrival (or one turn of a VU): a flow picked in proportion to its weight, as ordeal does. */',
    `export function traffic(${setup ? 'shared: Vars' : ''}): void {`,
    '  const row = nextRow();',
    '  if (row === undefined) return;',
    '  let pick = Math.random() * TOTAL_WEIGHT;',
    '  const flow = FLOWS.find((f) => (pick -= f.weight) < 0) ?? FLOWS[FLOWS.length - 1]!;',
    `  flow.run({ ${setup ? '...shared' : ''} }, row);`,
    '}',
    '',
  );
  return lines;
}

/** The script's helpers, the same in every script: env(), uuid(), succeeded() and capture() as ordeal does them. */
const HELPER_LINES: readonly string[] = [
  'type Vars = Record<string, string>;',
  'type Row = Record<string, string>;',
  'type Res = RefinedResponse<ResponseType | undefined>;',
  'type Capture = { json: (string | number)[] } | { header: string } | { regex: string; group: number };',
  '',
  '/** An environment variable the scenario names; a missing one stops the test (as ordeal does before any load). */',
  'function env(name: string): string {',
  '  const value = __ENV[name];',
  '  if (value === undefined) exec.test.abort(`set ${name} (k6 run -e ${name}=…)`);',
  "  return value ?? '';",
  '}',
  '',
  'function uuid(): string {',
  "  return 'xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx'.replace(/[xy]/g, (c) => {",
  '    const r = Math.floor(Math.random() * 16);',
  "    return (c === 'x' ? r : (r & 0x3) | 0x8).toString(16);",
  '  });',
  '}',
  '',
  '/** As ordeal: the statuses a step expects, or any status below 400. */',
  'function succeeded(res: Res, expected: number[] | null): boolean {',
  '  return expected ? expected.includes(res.status) : res.status > 0 && res.status < 400;',
  '}',
  '',
  '/** A value from a response, as ordeal captures it (JSON path, header, regular expression); undefined when absent. */',
  'function capture(res: Res, spec: Capture): string | undefined {',
  "  const body = typeof res.body === 'string' ? res.body : '';",
  "  if ('header' in spec) {",
  '    const key = Object.keys(res.headers).find((k) => k.toLowerCase() === spec.header);',
  '    return key && res.headers[key] ? res.headers[key] : undefined;',
  '  }',
  "  if ('regex' in spec) return new RegExp(spec.regex).exec(body)?.[spec.group] || undefined;",
  '  let node: unknown;',
  '  try {',
  '    node = JSON.parse(body);',
  '  } catch {',
  '    return undefined;',
  '  }',
  '  for (const key of spec.json) {',
  "    if (node === null || typeof node !== 'object') return undefined;",
  '    node = (node as Record<string | number, unknown>)[key];',
  '  }',
  "  if (node === undefined || node === null || node === '') return undefined;",
  "  return typeof node === 'object' ? JSON.stringify(node) : String(node);",
  '}',
  '',
];

/** The data file as k6's SharedArray, and nextRow() as data.order picks rows (an empty row without data). */
function dataLines(data: FlowScriptParts['data']): string[] {
  if (!data) return ['function nextRow(): Row | undefined {', '  return {};', '}', ''];
  return [
    `/** ${data.file}, read once and shared by every VU (k6's SharedArray); keep it beside this script. */`,
    `const ROWS: Row[] = new SharedArray(${q(data.file)}, (): Row[] => parseRows(open(${q(`./${data.file.replace(/^\.\//, '')}`)})));`,
    '',
    '/** CSV with a header row (quoted fields allowed), or a JSON array of objects. */',
    'function parseRows(text: string): Row[] {',
    `  if (${q(/\.json$/i.test(data.file))}) return (JSON.parse(text) as Record<string, unknown>[]).map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, String(v)])));`,
    '  const records = text.split(/\\r?\\n/).filter((line) => line.trim() !== \'\').map((line) => (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? []).map((f) => f.replace(/,$/, \'\').trim().replace(/^"(.*)"$/, \'$1\').replace(/""/g, \'"\')).slice(0, -1));',
    '  const [header = [], ...rows] = records;',
    '  return rows.map((fields) => Object.fromEntries(header.map((name, i) => [name, fields[i] ?? ""])));',
    '}',
    '',
    `/** data.order "${data.order}"${data.order === 'unique' ? ' (per phase here: k6 counts iterations per scenario)' : ''}. */`,
    'function nextRow(): Row | undefined {',
    data.order === 'random'
      ? '  return ROWS[Math.floor(Math.random() * ROWS.length)];'
      : data.order === 'unique'
        ? '  return ROWS[exec.scenario.iterationInTest];'
        : '  return ROWS[exec.scenario.iterationInTest % ROWS.length];',
    '}',
    '',
  ];
}

/** setup(): the setup steps, once before the first phase. */
function setupLines(setup: NonNullable<FlowScriptParts['setup']>, timeout: FlowScriptParts['timeout']): string[] {
  return [
    '/** The setup steps, once before the first phase; what they capture reaches every iteration. */',
    'export function setup(): Vars {',
    '  const vars: Vars = {};',
    '  const row: Row = nextRow() ?? {};',
    '  let res: Res;',
    '  let value: string | undefined;',
    ...setup.flatMap((step) => stepLines(step, timeout, "exec.test.abort('setup failed before any load: %s');")),
    '  return vars;',
    '}',
    '',
  ];
}

/** One flow as a function: its steps in order, with its think time between them in a closed model. */
function flowLines(
  flow: FlowScriptParts['flows'][number],
  index: number,
  timeout: FlowScriptParts['timeout'],
  closed: FlowScriptParts['closed'],
): string[] {
  const think =
    closed && flow.thinkTime
      ? `  sleep(${(flow.thinkTime.minMs / 1_000).toFixed(3)} + Math.random() * ${((flow.thinkTime.maxMs - flow.thinkTime.minMs) / 1_000).toFixed(3)});`
      : undefined;
  return [
    `/** ${flow.plain ? 'Request' : 'Flow'} ${q(flow.name)}: ${flow.steps.map((s) => s.name).join(' → ')}. */`,
    `function flow${index}(vars: Vars, row: Row): void {`,
    '  let res: Res;',
    ...(flow.steps.some((s) => s.captures.length > 0) ? ['  let value: string | undefined;'] : []),
    ...flow.steps.flatMap((step, i) => [
      ...stepLines(step, timeout, 'return;'),
      ...(think && i < flow.steps.length - 1 ? [think] : []),
    ]),
    ...(think ? [think] : []),
    '}',
    '',
  ];
}
