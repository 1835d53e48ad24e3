import { describe, expect, it } from 'vitest';
import { startCountingServer } from '../support/counting-server.ts';
import { runCli } from '../support/run-cli.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

describe('an unreachable Prometheus', () => {
  it('is INCONCLUSIVE with exit 3 and a message saying what to start, and no load is sent', async () => {
    const target = await startCountingServer();
    const { file, reportDir } = await writeTempScenario({
      name: 'no-prometheus',
      target: { baseUrl: target.url },
      prometheus: { url: 'http://127.0.0.1:9' },
      requests: [{ path: '/' }],
      phases: [{ name: 'steady', duration: '2s', rate: 10 }],
      checks: [{ kind: 'no-alert', phases: ['steady'] }],
    });
    const run = await runCli(['run', file, '--report-dir', reportDir]);
    expect(run.code).toBe(3);
    expect(run.stderr).toMatch(
      /inconclusive: Prometheus at http:\/\/127\.0\.0\.1:9 does not answer .*start Prometheus, or set prometheus\.url/,
    );
    expect(target.requests()).toBe(0);
    await target.close();
  });
});

describe('a Prometheus that disappears mid-run', () => {
  it('makes its checks inconclusive, never pass, and the run inconclusive', { timeout: 60_000 }, async () => {
    const { startBundledStack } = await import('../../harness/providers/bundled-stack/bundled-stack.ts');
    const { startStackPrometheus } = await import('../../harness/providers/bundled-stack/stack-prometheus.ts');
    const { runScenario } = await import('../../harness/run/run-scenario.ts');
    const { RunEvents } = await import('../../harness/events/run-events.ts');
    const { validateScenario } = await import('../../harness/scenario/validate-scenario.ts');
    await using stack = await startBundledStack();
    const prometheus = await startStackPrometheus(stack);
    const events = new RunEvents().on('phaseStarted', ({ phase }) => {
      if (phase.name === 'second') void prometheus.stop();
    });
    const report = await runScenario(
      validateScenario({
        name: 'prometheus-vanishes',
        target: { baseUrl: stack.gatewayUrl },
        prometheus: { url: prometheus.url },
        requests: [{ path: '/api/quotes/ACME' }],
        phases: [
          { name: 'first', duration: '3s', rate: 20 },
          { name: 'second', duration: '3s', rate: 20 },
        ],
        slos: [],
        checks: [
          { kind: 'no-alert', phases: ['first', 'second'], severity: 'critical' },
          {
            kind: 'resources',
            phases: ['first'],
            cpuQuery: 'max(gateway_cpu_utilisation_ratio)',
            memoryQuery: 'max(gateway_memory_utilisation_ratio)',
          },
        ],
      }),
      { events },
    );
    expect(report.checks.map((c) => c.status)).toEqual([
      'inconclusive',
      'inconclusive',
      'inconclusive',
      'inconclusive',
    ]);
    expect(report.checks[0]!.reason).toMatch(/did not answer/);
    expect(report.verdict, report.verdictReason).toBe('inconclusive');
    // Evidence missing, not a broken harness: exit 5, apart from 3.
    expect(report.exitCode).toBe(5);
  });
});
