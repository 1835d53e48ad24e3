/**
 * What flows cost: ordeal's closed model against nginx (core 0; ordeal on
 * core 1, one worker, 50 virtual users) with plain requests, with a templated
 * request, and with a two-step flow (GET /token, capture the token from the
 * JSON body, then GET /item/{{ token }} with it in a header). Per-request
 * throughput, interleaved rounds. And in-process: filling a compiled
 * template vs parsing it every time, which is what compiling once saves.
 */
import { performance } from 'node:perf_hooks';
import { compileTemplate, renderTemplate } from '../harness/flows/template.ts';
import { runOrdealTimed } from './peers/ordeal.ts';
import { startNginx } from './support/nginx-target.ts';
import { spread } from './support/spread.ts';

const GENERATOR_CORE = 1;
const TARGET_CORE = 0;

const VARIANTS = {
  plain: { requests: [{ path: '/' }] },
  templated: { requests: [{ path: '/item/{{ randomInt(1, 1000) }}', headers: { 'x-request-id': '{{ uuid }}' } }] },
  'two-step flow': {
    flows: [
      {
        name: 'token-then-item',
        steps: [
          { name: 'token', path: '/token', capture: { token: { json: 'token' } } },
          { name: 'item', path: '/item/{{ token }}', headers: { authorization: 'Bearer {{ token }}' } },
        ],
      },
    ],
  },
} as const;
type Variant = keyof typeof VARIANTS;

export interface FlowsResult {
  rounds: number;
  seconds: number;
  vus: number;
  rps: Record<Variant, number[]>;
  templates: { compiledPerSec: number[]; parsedPerSec: number[] };
}

/** Renders per second: a compiled template filled, or the same text compiled and filled each time. */
function templateRates(): { compiled: number; parsed: number } {
  const text = '/orders/{{ orderId }}?user={{ data.user }}&t={{ token }}';
  const scope = {
    vars: new Map([
      ['orderId', 'ord-42'],
      ['token', 'tok-1'],
    ]),
    env: {},
    row: { user: 'ann' },
  };
  const compiled = compileTemplate(text, 'uri');
  const time = (fn: () => void, n = 300_000): number => {
    for (let i = 0; i < 10_000; i++) fn();
    const start = performance.now();
    for (let i = 0; i < n; i++) fn();
    return n / ((performance.now() - start) / 1_000);
  };
  return {
    compiled: time(() => renderTemplate(compiled, scope)),
    parsed: time(() => renderTemplate(compileTemplate(text, 'uri'), scope)),
  };
}

export async function benchFlows(seconds = 10, rounds = 3, vus = 50): Promise<FlowsResult> {
  const nginx = await startNginx(TARGET_CORE);
  const rps = { plain: [], templated: [], 'two-step flow': [] } as Record<Variant, number[]>;
  const templates = { compiledPerSec: [] as number[], parsedPerSec: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const variant of Object.keys(VARIANTS) as Variant[]) {
        const run = await runOrdealTimed(
          GENERATOR_CORE,
          nginx.url,
          { duration: `${seconds}s`, vus },
          { model: 'closed', workers: 1, warmup: '1s' },
          VARIANTS[variant],
        );
        const phase = run.report.phases[0]!;
        if (phase.errors > 0)
          throw new Error(`flows bench: ${variant} had ${phase.errors} errors (${JSON.stringify(phase.errorsByKind)})`);
        rps[variant].push(phase.achievedRate ?? 0);
      }
      const rates = templateRates();
      templates.compiledPerSec.push(rates.compiled);
      templates.parsedPerSec.push(rates.parsed);
      process.stderr.write(
        `flows: round ${round + 1}/${rounds}: ${(Object.keys(rps) as Variant[]).map((v) => `${v} ${Math.round(rps[v].at(-1)!)}`).join(', ')} req/s\n`,
      );
    }
    return { rounds, seconds, vus, rps, templates };
  } finally {
    await nginx.stop();
  }
}

export function flowsTable(r: FlowsResult): string {
  const plain = spread(r.rps.plain);
  const perRound = r.rps['two-step flow'].map((f, i) => f / r.rps.plain[i]!);
  const compiled = spread(r.templates.compiledPerSec);
  const parsed = spread(r.templates.parsedPerSec);
  return [
    `Flows — nginx on core 0, ordeal on core 1 (one worker), closed model, ${r.vus} virtual users, ${r.seconds} s, ${r.rounds} interleaved rounds; median (min–max)`,
    '',
    '| traffic | requests/s | × plain requests |',
    '|---|---:|---:|',
    ...(Object.keys(r.rps) as Variant[]).map(
      (v) => `| ${v} | ${spread(r.rps[v]).format(0)} | ${(spread(r.rps[v]).median / plain.median).toFixed(2)} |`,
    ),
    '',
    `two-step flow ÷ plain requests, per round: ${perRound.map((x) => x.toFixed(2)).join(', ')}; median ${spread(perRound).median.toFixed(2)} (goal ≥ 0.8). The flow reads and parses each token response (JSON) and fills its templates per request; plain requests are sent as prepared bytes.`,
    '',
    '| template work per request (in-process) | renders/s | × compiled once |',
    '|---|---:|---:|',
    `| compiled once at load, filled per request (what ordeal does) | ${compiled.format(0)} | 1.00 |`,
    `| parsed and filled per request | ${parsed.format(0)} | ${(parsed.median / compiled.median).toFixed(2)} |`,
  ].join('\n');
}
