import { OrdealError } from '../errors/ordeal-error.ts';
import { isLeaseAlive, readLeases } from '../faults/fault-lease.ts';
import { describeSweep, sweepStaleFaults } from '../faults/stale-fault-sweeper.ts';
import { assertTargetAllowed } from '../scenario/target-guard.ts';
import { DEFAULT_ALLOWLIST } from '../scenario/scenario-schema.ts';
import type { CliIo } from './cli-io.ts';

/**
 * `ordeal cleanup`: removes the faults of dead runs (or, with --all, of every
 * run) from the given Toxiproxy, or from every Toxiproxy a dead run's lease names.
 */
export async function cleanupCommand(options: { toxiproxy?: string; all?: boolean }, io: CliIo): Promise<number> {
  const leases = await readLeases();
  const urls = options.toxiproxy
    ? [options.toxiproxy]
    : [...new Set(leases.filter((lease) => options.all || !isLeaseAlive(lease)).map((lease) => lease.toxiproxyUrl).filter((url) => url !== ''))];
  if (urls.length === 0) {
    io.stdout.write('ordeal cleanup: no lease names a Toxiproxy to clean (give --toxiproxy http://127.0.0.1:8474)\n');
    return 0;
  }
  let removedRuns = 0;
  for (const url of urls) {
    assertTargetAllowed('--toxiproxy', url, DEFAULT_ALLOWLIST, {});
    let lines: string[];
    try {
      const result = await sweepStaleFaults(url, { includeLive: options.all === true });
      removedRuns += result.removed.length;
      lines = describeSweep(result);
    } catch (cause) {
      throw new OrdealError('ORDEAL_ERR_TOXIPROXY', `Toxiproxy at ${url} does not answer (${(cause as Error).message}); start it, or give --toxiproxy with its URL`, { cause });
    }
    io.stdout.write(lines.length > 0 ? `${lines.map((line) => `${url}: ${line}`).join('\n')}\n` : `${url}: no faults left by dead runs\n`);
  }
  const live = leases.filter(isLeaseAlive);
  if (live.length > 0 && !options.all) io.stdout.write(`left alone: ${live.length} run(s) still alive (${live.map((lease) => lease.runId).join(', ')}; --all removes theirs too)\n`);
  io.stdout.write(`removed the faults of ${removedRuns} run(s)\n`);
  return 0;
}
