import { OrdealError } from '../errors/ordeal-error.ts';
import { isLeaseAlive, leaseDirectory, readLeases } from '../faults/fault-lease.ts';
import { describeSweep, sweepPatiently } from '../faults/stale-fault-sweeper.ts';
import { resumeLeftPaused } from '../faults/process-pause.ts';
import { undoLeftHeldContainers } from '../faults/left-held-containers.ts';
import { runLeftRestarts } from '../faults/left-restarts.ts';
import { removeLeftFills } from '../faults/left-fills.ts';
import { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrl } from '../net/redact-url.ts';
import { assertTargetAllowed } from '../scenario/target-guard.ts';
import { DEFAULT_ALLOWLIST } from '../scenario/scenario-schema.ts';
import type { CliIo } from './cli-io.ts';

/**
 * `ordeal cleanup`: removes the faults of dead runs (or, with --all, of every
 * run) from the given Toxiproxy, or from every Toxiproxy a dead run's lease
 * names. A run counts as alive while its heartbeat in that Toxiproxy is fresh
 * (from any host or state folder) or its lease here names a live process.
 */
export async function cleanupCommand(options: { toxiproxy?: string; all?: boolean }, io: CliIo): Promise<number> {
  const leases = await readLeases();
  // Processes and containers first: a dead run's paused process resumed (only if its pid is still that process),
  // its paused or stopped container unpaused or started, a killed process's restart command it had not run, run, its disk fill deleted.
  const resumed = [
    ...(await resumeLeftPaused(leases, options.all === true)),
    ...(await undoLeftHeldContainers(leases, options.all === true)),
    ...(await runLeftRestarts(leases, options.all === true)),
    ...(await removeLeftFills(leases, options.all === true)),
  ];
  if (resumed.length > 0) io.stdout.write(`${resumed.map((line) => `ordeal cleanup: ${line}`).join('\n')}\n`);
  const urls = options.toxiproxy
    ? [options.toxiproxy]
    : [
        ...new Set(
          leases
            .filter((lease) => options.all || !isLeaseAlive(lease))
            .map((lease) => lease.toxiproxyUrl)
            .filter((url) => url !== ''),
        ),
      ];
  if (urls.length === 0) {
    // The truth, lease by lease: which runs this machine knows of, which Toxiproxy each names, and why nothing was done.
    const why = leases.map(
      (lease) =>
        `  run ${lease.runId}: ${isLeaseAlive(lease) ? `alive (pid ${lease.pid}${lease.watchdogPid ? `, watchdog ${lease.watchdogPid}` : ''}): its faults are its own (--all removes them too)` : 'names no Toxiproxy (it held no faults)'}${lease.toxiproxyUrl ? `, Toxiproxy ${redactUrl(lease.toxiproxyUrl)}` : ''}`,
    );
    io.stdout.write(
      leases.length === 0
        ? `ordeal cleanup: no run's lease is in ${leaseDirectory()} (no run here left faults behind); give --toxiproxy http://127.0.0.1:8474 to clean a Toxiproxy directly\n`
        : `ordeal cleanup: nothing to clean from the leases in ${leaseDirectory()}:\n${why.join('\n')}\ngive --toxiproxy http://127.0.0.1:8474 to clean a Toxiproxy directly\n`,
    );
    return 0;
  }
  const policy = { allowlist: DEFAULT_ALLOWLIST, allowNonLoopback: false };
  const http = new GuardedHttp(policy);
  let removedRuns = 0;
  try {
    for (const url of urls) {
      const shown = redactUrl(url);
      if (url.includes(':***@')) {
        io.stdout.write(
          `${shown}: needs credentials that leases do not keep; run ordeal cleanup --toxiproxy with the full URL\n`,
        );
        continue;
      }
      assertTargetAllowed('--toxiproxy', url, DEFAULT_ALLOWLIST, {});
      let result;
      try {
        result = await sweepPatiently(http, url, { includeLive: options.all === true });
      } catch (cause) {
        throw new OrdealError(
          'ORDEAL_ERR_TOXIPROXY',
          `Toxiproxy at ${shown} does not answer (${(cause as Error).message}); start it, or give --toxiproxy with its URL`,
          { cause },
        );
      }
      removedRuns += result.removed.length;
      const lines = describeSweep(result);
      io.stdout.write(
        lines.length > 0
          ? `${lines.map((line) => `${shown}: ${line}`).join('\n')}\n`
          : `${shown}: no faults left by dead runs\n`,
      );
      if (result.live.length > 0)
        io.stdout.write(
          `${shown}: left alone: faults of ${result.live.length} live run(s) (${result.live.join(', ')}; --all removes theirs too)\n`,
        );
    }
  } finally {
    await http.close();
  }
  io.stdout.write(`removed the faults of ${removedRuns} run(s)\n`);
  return 0;
}
