import { formatDurationMs } from '../notation/duration.ts';

/** "24h", "1h", "6h", "1h17m16s": hours first (formatDurationMs stops at minutes). */
function span(ms: number): string {
  const hours = Math.floor(ms / 3_600_000);
  const rest = ms - hours * 3_600_000;
  if (hours === 0) return formatDurationMs(ms);
  return `${hours}h${rest > 0 ? formatDurationMs(rest) : ''}`;
}

/** What the budget is counted from: the run's whole seconds (the burn-rate windows count seconds). */
export interface BudgetSecond {
  second: number;
  phase: string;
  requests: number;
  errors: number;
}

/** Error-budget use, in report.json: how much of the period's budget the run (and each phase) burned, and how fast. */
export interface ErrorBudgetReport {
  /** The share of requests that must succeed (e.g. 0.999): the budget is the rest. */
  objective: number;
  /** The period the budget is for (e.g. 24 h). */
  periodMs: number;
  phases: BudgetUse[];
  total: BudgetUse;
  /** The SRE workbook's multi-window burn-rate alerts: whether this run would have paged, and from when. */
  alerts: BurnAlert[];
}

export interface BudgetUse {
  phase: string;
  requests: number;
  errors: number;
  /** The error ratio over the budget's (1 − objective): 1 spends the budget exactly over the period. Null: no request. */
  burnRate: number | null;
  /** The share of the period's budget spent: burn rate × (this stretch's length ÷ the period). */
  budgetShare: number | null;
}

export interface BurnAlert {
  /** "1h/5m": both windows' burn rates must reach the threshold at once. */
  windows: string;
  threshold: number;
  /** Seconds into the run at which both windows first burned at or above the threshold; absent: never. */
  firstAtSecond?: number;
  /** Absent when the run was shorter than the long window (the alert could not have been judged). */
  judged: boolean;
}

/** The workbook's paging pairs: 2 % of a 30-day budget in an hour, 5 % in six hours (scaled to any period by the burn rate). */
const BURN_ALERTS = [
  { longMs: 3_600_000, shortMs: 300_000, threshold: 14.4 },
  { longMs: 21_600_000, shortMs: 1_800_000, threshold: 6 },
] as const;

function use(phase: string, seconds: readonly BudgetSecond[], objective: number, periodMs: number): BudgetUse {
  const requests = seconds.reduce((sum, s) => sum + s.requests, 0);
  const errors = seconds.reduce((sum, s) => sum + s.errors, 0);
  if (requests === 0) return { phase, requests, errors, burnRate: null, budgetShare: null };
  const burnRate = errors / requests / (1 - objective);
  return { phase, requests, errors, burnRate, budgetShare: (burnRate * seconds.length * 1_000) / periodMs };
}

/** The first second at which the trailing long and short windows both burn at or above the threshold. */
function firstBurn(
  seconds: readonly BudgetSecond[],
  objective: number,
  alert: (typeof BURN_ALERTS)[number],
): BurnAlert {
  const windows = `${span(alert.longMs)}/${span(alert.shortMs)}`;
  const longS = alert.longMs / 1_000;
  const shortS = alert.shortMs / 1_000;
  if (seconds.length < longS) return { windows, threshold: alert.threshold, judged: false };
  const requests = [0];
  const errors = [0];
  for (const s of seconds) {
    requests.push(requests.at(-1)! + s.requests);
    errors.push(errors.at(-1)! + s.errors);
  }
  const burn = (from: number, to: number): number => {
    const sent = requests[to]! - requests[from]!;
    return sent > 0 ? (errors[to]! - errors[from]!) / sent / (1 - objective) : 0;
  };
  for (let end = longS; end <= seconds.length; end++) {
    if (burn(end - longS, end) >= alert.threshold && burn(end - shortS, end) >= alert.threshold)
      return { windows, threshold: alert.threshold, judged: true, firstAtSecond: seconds[end - 1]!.second };
  }
  return { windows, threshold: alert.threshold, judged: true };
}

/** The run's use of its error budget: per phase (in run order), in total, and the burn-rate alerts it would raise. */
export function errorBudgetOf(
  timeseries: readonly BudgetSecond[],
  budget: { objective: number; periodMs: number },
): ErrorBudgetReport {
  const seconds = [...timeseries].sort((a, b) => a.second - b.second);
  const phases = [...new Set(seconds.map((s) => s.phase))];
  return {
    objective: budget.objective,
    periodMs: budget.periodMs,
    phases: phases.map((phase) =>
      use(
        phase,
        seconds.filter((s) => s.phase === phase),
        budget.objective,
        budget.periodMs,
      ),
    ),
    total: use('all', seconds, budget.objective, budget.periodMs),
    alerts: BURN_ALERTS.map((alert) => firstBurn(seconds, budget.objective, alert)),
  };
}

const percent = (share: number): string => `${(share * 100).toFixed(share < 0.01 ? 2 : 1)} %`;

/** One line for people: "used 3.2 % of the 24h budget (99.9 %; burn 7.7×); …". */
export function describeErrorBudget(budget: ErrorBudgetReport): string {
  const { total } = budget;
  const head = `error budget (${(budget.objective * 100).toString()} % over ${span(budget.periodMs)}): ${
    total.budgetShare === null
      ? 'no request'
      : `this run used ${percent(total.budgetShare)} (burn ${total.burnRate!.toFixed(1)}×)`
  }`;
  const worst = budget.phases
    .filter((p) => p.budgetShare !== null && p.budgetShare > 0)
    .sort((a, b) => b.budgetShare! - a.budgetShare!)
    .slice(0, 3)
    .map((p) => `${p.phase} ${percent(p.budgetShare!)} (burn ${p.burnRate!.toFixed(1)}×)`);
  const pages = budget.alerts
    .filter((a) => a.firstAtSecond !== undefined)
    .map((a) => `would page (${a.windows} burn >= ${a.threshold}) at +${span(a.firstAtSecond! * 1_000)}`);
  return [head, ...worst, ...pages].join('; ');
}
