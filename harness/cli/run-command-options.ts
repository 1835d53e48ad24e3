import type { ToxiproxyProvider } from '../toxiproxy/start-toxiproxy.ts';

/** `ordeal run`'s options, as commander gives them. */
export interface RunCommandOptions {
  reportDir: string;
  json?: boolean;
  timeScale?: number;
  target?: string;
  toxiproxy?: string;
  toxiproxyProvider?: ToxiproxyProvider;
  prometheus?: string;
  allowNonLoopback?: boolean;
  /** A report.json to compare with; default: the previous passing run of the scenario in reportDir. */
  baseline?: string;
  /** false with --no-compare. */
  compare?: boolean;
  tolerance?: number;
  failOnRegression?: boolean;
  /** Serve ordeal's own metrics at http://127.0.0.1:<port>/metrics during the run (0: a free port). */
  metricsPort?: number;
  /** Push the run's summary here at the end. */
  pushgateway?: string;
  /** Push ordeal's own metrics to this Prometheus remote-write receiver while the run goes. */
  remoteWrite?: string;
  /** How often (ms); default 5 s. */
  remoteWriteInterval?: number;
  /** Serve the live console at http://127.0.0.1:<port>/ (true or 0: a free port). */
  ui?: number | true;
  /** With the live console: hold before each fault phase until an operator confirms (ms to wait; then the run aborts). */
  confirmFaults?: number | true;
}
