import { Counter, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GuardedHttp } from '../../harness/net/guarded-http.ts';
import { RemoteWriter, type RemoteSeries } from '../../harness/telemetry/remote-write.ts';

/**
 * The writer's bookkeeping, with the remote-write client stood in by a function that answers as told (the real
 * client and a real Prometheus: test/telemetry/remote-write.test.ts): a receiver that fails is said once, its
 * recovery once, and every push carries the state then — nothing is queued while it fails.
 */
function writerWith(answers: (number | Error)[]) {
  const registry = new Registry();
  const requests = new Counter({ name: 'ordeal_requests_total', help: 'h', registers: [registry] });
  const pushed: RemoteSeries[][] = [];
  const warnings: string[] = [];
  const push = async (series: RemoteSeries | RemoteSeries[]) => {
    pushed.push(series as RemoteSeries[]);
    const answer = answers.shift() ?? 204;
    if (answer instanceof Error) throw answer;
    return { status: answer, statusText: String(answer) };
  };
  const http = new GuardedHttp({ allowlist: ['127.0.0.1'], allowNonLoopback: false });
  const writer = new RemoteWriter(push as never, registry, new URL('http://127.0.0.1:9/api/v1/write'), http, (m) =>
    warnings.push(m),
  );
  return { writer, requests, pushed, warnings };
}

describe('RemoteWriter', () => {
  it('says a failing receiver once and its recovery once, with the pushes lost; each push is the state then, none queued', async () => {
    const { writer, requests, pushed, warnings } = writerWith([204, 500, new Error('connect ECONNREFUSED'), 503, 204]);
    writer.start({ job: 'ordeal', run_id: 'r1' }, 3_600_000);
    await writer.pushNow();
    for (let i = 1; i <= 4; i++) {
      requests.inc(10);
      await writer.pushNow();
    }
    await writer.stop();
    expect(warnings).toEqual([
      'remote write to http://127.0.0.1:9/api/v1/write failed: answered 500; ordeal keeps trying',
      'remote write to http://127.0.0.1:9/api/v1/write works again (3 pushes lost)',
    ]);
    // One series per push (nothing queued from failed ones), each the counter's value then; the last at stop.
    expect(pushed.map((series) => series.map((s) => s.samples[0]!.value))).toEqual([[0], [10], [20], [30], [40], [40]]);
    expect(pushed[1]![0]!.labels).toEqual({ __name__: 'ordeal_requests_total', job: 'ordeal', run_id: 'r1' });
    expect(writer.pushes).toBe(3);
    expect(writer.failures).toBe(3);
  });

  it('runs one push at a time: a push still going when the next is asked for is that push', async () => {
    const { writer, pushed } = writerWith([]);
    writer.start({ job: 'ordeal' }, 3_600_000);
    const [a, b] = [writer.pushNow(), writer.pushNow()];
    expect(a).toBe(b);
    await a;
    await writer.stop();
    expect(pushed.length).toBe(2);
  });
});
