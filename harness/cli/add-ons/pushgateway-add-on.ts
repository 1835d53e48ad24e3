import { GuardedHttp } from '../../net/guarded-http.ts';
import { resolveAllowed, type NetworkPolicy } from '../../net/network-policy.ts';
import { redactUrl, redactUrlsIn } from '../../net/redact-url.ts';
import type { RunReport } from '../../report/run-report.ts';
import { assertTargetAllowed } from '../../scenario/target-guard.ts';
import type { AddOnContext, RunAddOn } from './run-add-on.ts';

/** --pushgateway: the run's summary pushed at the end; its address is checked before anything is sent. */
export class PushgatewayAddOn implements RunAddOn {
  readonly name = 'pushgateway';
  private context?: AddOnContext;
  private policy?: NetworkPolicy;

  constructor(private readonly url: string) {}

  async start(context: AddOnContext): Promise<void> {
    const { scenario, options } = context;
    this.policy = { allowlist: scenario.target.allowlist, allowNonLoopback: options.allowNonLoopback === true };
    const pushgateway = assertTargetAllowed('--pushgateway', this.url, scenario.target.allowlist, {
      allowNonLoopback: options.allowNonLoopback,
    });
    await resolveAllowed('--pushgateway', pushgateway.hostname, this.policy);
    this.context = context;
  }

  /** A failed push is a warning: the report is written, and the verdict stands. */
  async published(report: RunReport): Promise<void> {
    if (!this.context || !this.policy) return;
    const { io } = this.context;
    const shown = redactUrl(this.url);
    const http = new GuardedHttp(this.policy);
    const { pushRunSummary } = await import('../../telemetry/push-summary.ts');
    await pushRunSummary(report, this.url, http)
      .then(
        () => io.stderr.write(`ordeal: pushed the run summary to ${shown}\n`),
        (error: Error) =>
          io.stderr.write(`ordeal: warning: pushing to ${shown} failed: ${redactUrlsIn(error.message)}\n`),
      )
      .finally(() => http.close());
  }

  async stop(): Promise<void> {}
}
