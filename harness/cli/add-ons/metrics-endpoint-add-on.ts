import { OrdealError } from '../../errors/ordeal-error.ts';
import type { StartedMetricsEndpoint } from '../../telemetry/metrics-endpoint.ts';
import type { AddOnContext, RunAddOn } from './run-add-on.ts';

/** --metrics-port: ordeal's own metrics at http://127.0.0.1:<port>/metrics while it runs. */
export class MetricsEndpointAddOn implements RunAddOn {
  readonly name = 'metrics endpoint';
  private endpoint?: StartedMetricsEndpoint;

  constructor(private readonly port: number) {}

  async start({ events, scenario, io }: AddOnContext): Promise<void> {
    // prom-client is loaded only when ordeal serves or pushes its own metrics.
    const [{ RunTelemetry }, { startMetricsEndpoint }] = await Promise.all([
      import('../../telemetry/run-telemetry.ts'),
      import('../../telemetry/metrics-endpoint.ts'),
    ]);
    const telemetry = new RunTelemetry(events, scenario.name);
    this.endpoint = await startMetricsEndpoint(telemetry.registry, this.port).catch((cause: Error) => {
      throw new OrdealError(
        'ORDEAL_ERR_USAGE',
        `--metrics-port ${this.port}: cannot listen on 127.0.0.1 (${cause.message}; pick a free port, or 0)`,
        { cause },
      );
    });
    io.stderr.write(`ordeal: serving its own metrics at ${this.endpoint.url}\n`);
  }

  async stop(): Promise<void> {
    await this.endpoint?.stop();
    this.endpoint = undefined;
  }
}
