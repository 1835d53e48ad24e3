import type { ToxiproxyProvider } from '../toxiproxy/start-toxiproxy.ts';

/** What a user may override on the command line (or a caller in code) over what the scenario says. Declared once. */
export interface RunOverrides {
  /** Overrides target.baseUrl. */
  targetUrl?: string;
  /** Overrides toxiproxy.url. */
  toxiproxyUrl?: string;
  /** Overrides prometheus.url. */
  prometheusUrl?: string;
  /** Confirms non-loopback addresses that the allowlist names. */
  allowNonLoopback?: boolean;
  /** How to start a Toxiproxy when the scenario names none: "auto" (default), "binary" or "container". */
  toxiproxyProvider?: ToxiproxyProvider;
}
