import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { renderAlertRules, TRADING_ALERT_RULES } from '../../fixtures/prometheus/alert-rules.ts';
import { findPrometheus } from '../../harness/prometheus/prometheus-binary.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const run = promisify(execFile);

async function promtoolCheck(rulesYaml: string): Promise<{ ok: boolean; output: string }> {
  const { file } = await writeTempScenario(rulesYaml, 'rules.yml');
  await writeFile(file, rulesYaml);
  const promtool = await findPrometheus('promtool');
  return run(promtool, ['check', 'rules', file]).then(
    ({ stdout, stderr }) => ({ ok: true, output: stdout + stderr }),
    (error: { stdout?: string; stderr?: string }) => ({
      ok: false,
      output: `${error.stdout ?? ''}${error.stderr ?? ''}`,
    }),
  );
}

describe('the bundled alert rules', () => {
  it("encode the service's alert table and pass `promtool check rules`", async () => {
    expect(TRADING_ALERT_RULES.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'ServiceDown',
        'HighErrorRateWarning',
        'HighErrorRateCritical',
        'HighLatencyP95',
        'HighCpuWarning',
        'HighCpuCritical',
        'HighMemoryWarning',
        'HighMemoryCritical',
        'CircuitBreakerOpen',
      ]),
    );
    const result = await promtoolCheck(renderAlertRules());
    expect(result.output).toContain(`SUCCESS: ${TRADING_ALERT_RULES.length} rules found`);
    expect(result.ok).toBe(true);
  });

  it('a broken rule fails promtool (so the check above can fail)', async () => {
    const broken = renderAlertRules({
      extra: [
        {
          alert: 'Broken',
          expr: 'sum(rate(x[5s]) >',
          for: '1s',
          labels: { severity: 'warning' },
          annotations: { summary: 'bad' },
        },
      ],
    });
    expect((await promtoolCheck(broken)).ok).toBe(false);
  });
});
