import type { PhaseStats } from './phase-stats.ts';

/** More than this share of a phase's arrivals unsent at its end: the generator fell behind. */
const MAX_UNSENT_SHARE = 0.01;
/** At least this share of a phase's arrivals sent: the generator kept up, however late it ran. */
const KEPT_UP_SHARE = 0.95;

const fixed = (value: number): string => (Number.isInteger(value) ? String(value) : value.toFixed(1));

/**
 * Why the generator's own numbers cannot be trusted in this phase, if they
 * cannot: it sent late (p99 send lag over `maxSendLagMs`), or the phase ended
 * before it reached more than 1 % of the arrivals (unsent). Arrivals the
 * in-flight cap dropped are the service's doing, not the generator's.
 * Open model only. Pure.
 */
export function generatorShortfall(stats: PhaseStats, maxSendLagMs: number): string | undefined {
  if (!stats.ran || !stats.targetRate) return undefined;
  const lagP99Ms = stats.sendLagMs?.p99 ?? 0;
  const attempted = stats.iterations + stats.dropped;
  const attemptedRate = attempted / Math.max(0.001, stats.loadElapsedMs / 1_000);
  const tooLate = lagP99Ms > maxSendLagMs;
  const tooFew = loadNotOffered(stats);
  if (!tooLate && !tooFew) return undefined;
  const evidence = [
    `send lag p99 ${fixed(lagP99Ms)} ms${tooLate ? ` > ${fixed(maxSendLagMs)} ms` : ''}`,
    `sent ${fixed(attemptedRate)} of ${fixed(stats.targetRate)} req/s`,
    ...(stats.unsent > 0 ? [`${stats.unsent} arrivals not sent before the phase ended`] : []),
  ];
  return `the generator could not keep up (${evidence.join(', ')}): add workers, or run the load from more machines (ordeal export k6-operator)`;
}

/**
 * The generator did not offer the service the load asked for: more than 1 %
 * of the phase's arrivals were never sent. A generator that kept up (sent at
 * least 95 % of them) but ran late on a busy host is excused the arrivals due
 * in the phase's last send lag (p99): it had not reached those when the phase
 * ended (one unsent arrival in a 30-arrival phase is 3 %). A saturated one is
 * excused nothing. Then nothing measured can vouch for the service at that
 * load (a pass is inconclusive); what failed at the lower load still failed.
 * Open model only. Pure.
 */
export function loadNotOffered(stats: PhaseStats): boolean {
  if (!stats.ran || !stats.targetRate) return false;
  const attempted = stats.iterations + stats.dropped;
  const planned = attempted + stats.unsent;
  const keptUp = attempted >= planned * KEPT_UP_SHARE;
  const dueInTheLastLag = keptUp ? Math.ceil((stats.targetRate * (stats.sendLagMs?.p99 ?? 0)) / 1_000) : 0;
  return stats.unsent > Math.max(dueInTheLastLag, planned * MAX_UNSENT_SHARE);
}
