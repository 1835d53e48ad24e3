/**
 * Every Toxiproxy change ordeal makes carries the run id in its name, so the
 * server itself records whose fault it is: toxics are `ordeal-<runId>-<n>`,
 * and taking a proxy down adds an inert marker toxic `ordeal-<runId>-<n>-down`
 * (toxicity 0) before disabling it, so a cleaner knows which disabled proxies
 * were ordeal's to re-enable. While a run holds faults on a proxy, an inert
 * `ordeal-<runId>-heartbeat` toxic there carries the time until which the run
 * is known to be alive, so any ordeal, from any host or state folder, can tell
 * a live run from a dead one. A proxy ordeal created carries an inert
 * `ordeal-<runId>-owner` toxic: it is ordeal's to delete once no live run
 * uses it (a user's own proxies carry none and are never deleted).
 */
const FAULT_PREFIX = 'ordeal-';
const NAME_PATTERN = /^ordeal-(.+)-(?:\d+(-down)?|(heartbeat)|(owner))$/;

export function toxicName(runId: string, sequence: number): string {
  return `${FAULT_PREFIX}${runId}-${sequence}`;
}

export function downMarkerName(runId: string, sequence: number): string {
  return `${toxicName(runId, sequence)}-down`;
}

export function heartbeatName(runId: string): string {
  return `${FAULT_PREFIX}${runId}-heartbeat`;
}

/** The marker on a proxy ordeal created (run `runId`): the proxy is ordeal's to delete when no live run uses it. */
export function ownerMarkerName(runId: string): string {
  return `${FAULT_PREFIX}${runId}-owner`;
}

export interface ParsedFaultName {
  runId: string;
  downMarker: boolean;
  heartbeat: boolean;
  /** An owner marker: not a fault; it says ordeal created the proxy. */
  owner: boolean;
}

/** The run a toxic belongs to, or undefined when ordeal did not make it. */
export function parseFaultName(name: string): ParsedFaultName | undefined {
  const match = NAME_PATTERN.exec(name);
  return match
    ? {
        runId: match[1]!,
        downMarker: match[2] !== undefined,
        heartbeat: match[3] !== undefined,
        owner: match[4] !== undefined,
      }
    : undefined;
}
