import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { renderSummary } from '../../harness/cli/summary-table.ts';
import { renderMarkdown } from '../../harness/report/markdown-reporter.ts';
import { runScenario } from '../../harness/run/run-scenario.ts';
import { validateScenario } from '../../harness/scenario/validate-scenario.ts';
import { notAboutTheGenerator } from '../support/not-about-the-generator.ts';

const plain = {
  bold: (t: string) => t,
  red: (t: string) => t,
  green: (t: string) => t,
  yellow: (t: string) => t,
  dim: (t: string) => t,
} as never;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

function shortRun(baseUrl: string) {
  return runScenario(
    validateScenario({
      name: 'why-it-failed',
      target: { baseUrl },
      requests: [{ path: '/' }],
      // About the error kinds, not the generator's timing: it shares the machine.
      load: notAboutTheGenerator({ warmup: false, timeout: '2s' }),
      phases: [{ name: 'only', duration: '1s', rate: 20 }],
      slos: [{ http_req_failed: ['rate<0.01'] }],
    }),
  );
}

describe('a failed run says why requests failed, from real sockets', () => {
  it('a target that died after the pre-flight check: every request "connection refused", in the terminal and summary.md', async () => {
    // It answers ordeal's reachability probe, then stops listening.
    const server = net.createServer((socket) => {
      socket.destroy();
      server.close();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const report = await shortRun(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    const phase = report.phases[0]!;
    expect(phase.requests).toBeGreaterThan(10);
    expect(phase.errorsByKind).toMatchObject({ refused: phase.requests, reset: 0, timeout: 0, connection: 0 });
    expect(report.verdict, report.verdictReason).toBe('fail');
    expect(renderSummary(report, [], plain)).toContain(`only: ${phase.requests} connection refused`);
    expect(renderMarkdown(report)).toContain(`only: ${phase.requests} connection refused`);
  });

  it('a server that drops the connection mid-request: "connection reset or closed mid-response"', async () => {
    const server = net.createServer((socket) => socket.once('data', () => socket.resetAndDestroy()));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(() => resolve())));
    const report = await shortRun(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}`);
    const phase = report.phases[0]!;
    expect(phase.errorsByKind.reset).toBe(phase.requests);
    expect(renderSummary(report, [], plain)).toContain(
      `only: ${phase.requests} connection reset or closed mid-response`,
    );
  });
});
