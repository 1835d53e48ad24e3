import { GuardedHttp } from '../../net/guarded-http.ts';
import { resolveAllowed } from '../../net/network-policy.ts';
import { redactUrl } from '../../net/redact-url.ts';
import { assertTargetAllowed } from '../../scenario/target-guard.ts';
import type { RemoteWriter } from '../../telemetry/remote-write.ts';
import type { AddOnContext, RunAddOn } from './run-add-on.ts';

/**
 * --remote-write: ordeal's own metrics (the names of its /metrics) pushed to a Prometheus remote-write receiver
 * every --remote-write-interval while the run goes, and once at its end, labelled job="ordeal", run_id and
 * scenario. Its address is checked before anything is sent, and so is its client (an optional peer).
 */
export class RemoteWriteAddOn implements RunAddOn {
  readonly name = 'remote write';
  private writer?: RemoteWriter;
  private http?: GuardedHttp;

  constructor(
    private readonly url: string,
    private readonly intervalMs: number,
  ) {}

  async start({ scenario, options, events, io }: AddOnContext): Promise<void> {
    const policy = { allowlist: scenario.target.allowlist, allowNonLoopback: options.allowNonLoopback === true };
    const receiver = assertTargetAllowed('--remote-write', this.url, scenario.target.allowlist, {
      allowNonLoopback: options.allowNonLoopback,
    });
    await resolveAllowed('--remote-write', receiver.hostname, policy);
    // prom-client and the remote-write client are loaded only when ordeal pushes its own metrics.
    const [{ RunTelemetry }, { RemoteWriter, loadRemoteWriteClient }] = await Promise.all([
      import('../../telemetry/run-telemetry.ts'),
      import('../../telemetry/remote-write.ts'),
    ]);
    const push = await loadRemoteWriteClient();
    const telemetry = new RunTelemetry(events, scenario.name);
    this.http = new GuardedHttp(policy);
    const writer = new RemoteWriter(push, telemetry.registry, receiver, this.http, (message) =>
      io.stderr.write(`ordeal: warning: ${message}\n`),
    );
    this.writer = writer;
    events.on('runStarted', ({ runId }) => {
      writer.start({ job: 'ordeal', run_id: runId, scenario: scenario.name }, this.intervalMs);
      io.stderr.write(
        `ordeal: remote write of its own metrics to ${redactUrl(receiver.href)} every ${this.intervalMs / 1_000} s (run_id="${runId}")\n`,
      );
    });
  }

  /** The end state, pushed once; stop() then has nothing left to push. */
  async runEnded(): Promise<void> {
    await this.writer?.stop();
    this.writer = undefined;
  }

  async stop(): Promise<void> {
    await this.writer?.stop();
    this.writer = undefined;
    await this.http?.close();
    this.http = undefined;
  }
}
