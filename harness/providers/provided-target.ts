import type { SkewableClocks } from '../process/faketime.ts';
import type { GuardedHttp } from '../net/guarded-http.ts';
import type { CleanupStack } from '../lifecycle/cleanup-stack.ts';
import type { ResourceOwner } from '../lifecycle/resource-owner.ts';
import type { RunOverrides } from '../scenario/run-overrides.ts';

/** What a target provider needs from the run. */
export interface ProviderContext {
  runId: string;
  http: GuardedHttp;
  owner: ResourceOwner;
  cleanup: CleanupStack;
  overrides: RunOverrides;
  onMessage: (message: string) => void;
}

/** The system under test as a provider hands it over: where load goes, where faults go, where signals are. */
export interface ProvidedTarget {
  targetUrl: URL;
  /** The Toxiproxy's URL, credentials included, when faults can be applied. */
  toxiproxyUrl?: string;
  /** Prometheus, when the scenario's checks need one. */
  prometheusUrl?: string;
  /** Processes the provider started that a pause or kill may name without declaring them: each one's pid now. */
  processes?: Readonly<Record<string, () => number | undefined>>;
  /** The wall clocks of processes the provider started under libfaketime (those a clock_skew fault names). */
  clocks?: SkewableClocks;
}
