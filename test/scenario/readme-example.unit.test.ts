import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readsOf } from '../../harness/checks/check-registry.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';

/** The README's "Point ordeal at your own service" example is a valid scenario, read as written. */
describe("the README's own-service example", () => {
  it('validates, and every check names what it reads', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Point ordeal at your own service'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    const literal = code.slice(code.indexOf('defineScenario(') + 'defineScenario('.length, code.lastIndexOf(');'));
    const scenario = validateScenario(new Function(`return (${literal});`)());
    expect(scenario.checks.map((c) => c.kind)).toEqual([
      'breaker',
      'alert',
      'failover',
      'autoscaling',
      'promql',
      'no-alert',
      'health',
    ]);
    for (const check of scenario.checks.filter((c) =>
      ['breaker', 'failover', 'autoscaling', 'promql'].includes(c.kind),
    ))
      expect(readsOf(check).length).toBeGreaterThan(0);
  });

  it('the first-run example right after the two commands validates, and plans three phases with the fault only in the middle', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Your own service, first run'));
    const code = /```ts\n([\s\S]*?)```/.exec(section)![1]!;
    expect(code.split('\n').filter((line) => line.trim() !== '').length).toBeLessThanOrEqual(17);
    const literal = code.slice(code.indexOf('defineScenario(') + 'defineScenario('.length, code.lastIndexOf(');'));
    const scenario = validateScenario(new Function(`return (${literal});`)());
    expect(scenario.phases.map((p) => [p.name, p.faults.length])).toEqual([
      ['baseline', 0],
      ['db-slow', 1],
      ['recovery', 0],
    ]);
    expect(scenario.toxiproxy?.proxies.map((p) => p.listen)).toEqual(['127.0.0.1:15432']);
  });
});
