import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from '../../harness/scenario/load-scenario.ts';
import { scenarioJsonSchema } from '../../harness/scenario/scenario-json-schema.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';

type Node = Record<string, unknown>;

/** Every property anywhere in the schema (objects, arrays, unions, records), with its path. */
function properties(node: unknown, at = ''): { path: string; schema: Node }[] {
  if (!node || typeof node !== 'object') return [];
  const n = node as Node;
  const out: { path: string; schema: Node }[] = [];
  for (const [name, child] of Object.entries((n.properties as Record<string, Node> | undefined) ?? {})) {
    out.push({ path: `${at}.${name}`, schema: child }, ...properties(child, `${at}.${name}`));
  }
  for (const key of ['items', 'additionalProperties']) out.push(...properties(n[key], `${at}[]`));
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    for (const [i, child] of ((n[key] as unknown[] | undefined) ?? []).entries())
      out.push(...properties(child, `${at}|${i}`));
  return out;
}

const ROOT = path.resolve(import.meta.dirname, '../..');

describe('the scenario JSON Schema', () => {
  it('describes every property, for editor hover help', () => {
    const all = properties(scenarioJsonSchema());
    expect(all.length).toBeGreaterThan(150);
    expect(
      all.filter((p) => typeof p.schema.description !== 'string' || p.schema.description.length < 8).map((p) => p.path),
    ).toEqual([]);
  });

  it('scenarios/ordeal.schema.json is the schema ordeal validates with (regenerate: npm run ordeal -- schema > scenarios/ordeal.schema.json)', () => {
    const committed = JSON.parse(readFileSync(path.join(ROOT, 'scenarios/ordeal.schema.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(scenarioJsonSchema())));
  });

  it('the YAML example names the schema on its first line and is a valid scenario', async () => {
    const file = path.join(ROOT, 'scenarios/examples/own-service.yaml');
    const first = readFileSync(file, 'utf8').split('\n')[0]!;
    const match = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
    expect(match).not.toBeNull();
    expect(path.resolve(path.dirname(file), match![1]!)).toBe(path.join(ROOT, 'scenarios/ordeal.schema.json'));
    const scenario = await loadScenario(file);
    expect(scenario.name).toBe('own-service');
  });

  it('a JSON scenario may name its schema with "$schema" (ignored by ordeal)', () => {
    const scenario = validateScenario({
      $schema: './ordeal.schema.json',
      name: 'with-schema',
      target: { baseUrl: 'http://127.0.0.1:8080' },
      requests: [{ path: '/' }],
      phases: [{ name: 'p', duration: '1s', rate: 1 }],
    });
    expect(scenario.name).toBe('with-schema');
  });
});
