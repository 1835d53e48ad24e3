import type { GuardedHttp } from '../net/guarded-http.ts';
import { redactUrlsIn, redactWebhookUrl } from '../net/redact-url.ts';
import { describeFault, faultTargetOf } from '../scenario/fault-schema.ts';
import type { RunEvents } from '../events/run-events.ts';
import type { RunReport } from '../report/run-report.ts';
import type { NotifyChannel } from '../scenario/notify-schema.ts';

/** One thing a run tells its channels. */
export interface RunNotice {
  event: 'run-started' | 'fault-applied' | 'fault-removed' | 'guard-tripped' | 'verdict';
  runId: string;
  scenario: string;
  at: string;
  summary: string;
  /** Alertmanager: the alert this notice fires or resolves, with its own labels. */
  alert: {
    name: string;
    labels: Record<string, string>;
    severity: 'info' | 'warning' | 'critical';
    startsAt: string;
    endsAt?: string;
  };
}

export interface NotificationOutcome {
  channel: string;
  event: RunNotice['event'];
  ok: boolean;
  error?: string;
}

const DELIVERY_TIMEOUT_MS = 5_000;
/** How long the verdict stays an active alert in Alertmanager. */
const VERDICT_ALERT_MS = 10 * 60_000;

/** Alertmanager v2: POST /api/v2/alerts, one alert; resolved ones carry endsAt. */
function alertmanagerBody(notice: RunNotice): unknown {
  const { alert } = notice;
  return [
    {
      labels: {
        alertname: alert.name,
        run: notice.runId,
        scenario: notice.scenario,
        severity: alert.severity,
        source: 'ordeal',
        ...alert.labels,
      },
      annotations: { summary: notice.summary },
      startsAt: alert.startsAt,
      ...(alert.endsAt ? { endsAt: alert.endsAt } : {}),
    },
  ];
}

function webhookBody(notice: RunNotice, format: 'json' | 'slack'): unknown {
  if (format === 'slack') return { text: `*ordeal* ${notice.scenario} (${notice.runId}): ${notice.summary}` };
  const { alert: _alert, ...rest } = notice;
  return rest;
}

/**
 * Tells the scenario's channels what the run is doing: run start, each fault
 * applied and removed, a guard trip, the verdict. Sends in the background
 * while the run goes on; `finish` sends the verdict, resolves the run's open
 * alerts, waits (bounded) for every delivery and returns what happened. A
 * failed delivery is a warning and an outcome, never a change of verdict.
 */
export class RunNotifier {
  private readonly pending: Promise<void>[] = [];
  private readonly outcomes: NotificationOutcome[] = [];
  private runStartedAt = new Date().toISOString();
  private readonly openFaults = new Map<string, RunNotice>();

  constructor(
    private readonly channels: readonly NotifyChannel[],
    private readonly http: GuardedHttp,
    private readonly run: { runId: string; scenario: string },
    private readonly warn: (message: string) => void,
  ) {}

  follow(events: RunEvents): void {
    if (this.channels.length === 0) return;
    events.on('runStarted', (e) => {
      this.runStartedAt = new Date().toISOString();
      this.send(
        this.notice('run-started', `load run started against ${e.target}: ${e.timeline.phases.length} phases`, {
          name: 'OrdealRunInProgress',
          labels: {},
          severity: 'info',
          startsAt: this.runStartedAt,
        }),
      );
    });
    events.on('faultApplied', ({ fault }) => {
      const notice = this.notice(
        'fault-applied',
        `fault applied in phase ${fault.phase}: ${describeFault(fault.fault)}`,
        {
          name: 'OrdealFaultActive',
          labels: { phase: fault.phase, proxy: faultTargetOf(fault.fault), fault: fault.fault.kind },
          severity: 'warning',
          startsAt: new Date(fault.appliedAtMs).toISOString(),
        },
      );
      this.openFaults.set(fault.id, notice);
      this.send(notice);
    });
    events.on('faultRemoved', ({ fault }) => {
      const open = this.openFaults.get(fault.id);
      this.openFaults.delete(fault.id);
      const endsAt = new Date(fault.removedAtMs ?? Date.now()).toISOString();
      if (open)
        this.send({
          ...open,
          event: 'fault-removed',
          at: endsAt,
          summary: `fault removed in phase ${fault.phase}: ${describeFault(fault.fault)}`,
          alert: { ...open.alert, endsAt },
        });
    });
    events.on('guardTripped', ({ trip }) => {
      const at = new Date(trip.trippedAtMs).toISOString();
      this.send(
        this.notice(
          'guard-tripped',
          `guard ${trip.name} tripped (${trip.condition}: ${trip.observed}); load stopped, faults removed`,
          { name: 'OrdealGuardTripped', labels: { guard: trip.name }, severity: 'critical', startsAt: at },
        ),
      );
    });
  }

  /** Sends the verdict, resolves the run's alert, and waits for every delivery (each bounded). */
  async finish(report: RunReport): Promise<NotificationOutcome[]> {
    if (this.channels.length === 0) return [];
    const now = new Date().toISOString();
    const severity = report.verdict === 'pass' ? 'info' : 'critical';
    // Fired, not sent resolved (Alertmanager passes on nothing about an alert that never fired); it resolves by itself.
    const endsAt = new Date(Date.now() + VERDICT_ALERT_MS).toISOString();
    this.send(
      this.notice('verdict', `verdict ${report.verdict.toUpperCase()}: ${report.verdictReason}`, {
        name: 'OrdealRunVerdict',
        labels: { verdict: report.verdict },
        severity,
        startsAt: now,
        endsAt,
      }),
    );
    // The run is over: its in-progress alert resolves (Alertmanager then sends "resolved" where routes ask for it).
    this.send(
      {
        ...this.notice('verdict', 'load run ended', {
          name: 'OrdealRunInProgress',
          labels: {},
          severity: 'info',
          startsAt: this.runStartedAt,
          endsAt: now,
        }),
      },
      ['alertmanager'],
    );
    await Promise.all(this.pending);
    return this.outcomes;
  }

  private notice(event: RunNotice['event'], summary: string, alert: RunNotice['alert']): RunNotice {
    return { event, runId: this.run.runId, scenario: this.run.scenario, at: new Date().toISOString(), summary, alert };
  }

  private send(notice: RunNotice, only?: NotifyChannel['kind'][]): void {
    for (const channel of this.channels) {
      if (only && !only.includes(channel.kind)) continue;
      const target = channel.kind === 'alertmanager' ? new URL('/api/v2/alerts', channel.url) : new URL(channel.url);
      const body = channel.kind === 'alertmanager' ? alertmanagerBody(notice) : webhookBody(notice, channel.format);
      const shown = `${channel.kind} ${redactWebhookUrl(channel.url)}`;
      this.pending.push(
        this.http
          .request(target, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
            timeoutMs: DELIVERY_TIMEOUT_MS,
            maxBodyBytes: 64 * 1024,
          })
          .then((response) => {
            if (response.status >= 300) throw new Error(`HTTP ${response.status}`);
            this.outcomes.push({ channel: shown, event: notice.event, ok: true });
          })
          .catch((error: Error) => {
            // An error may quote the URL it was sent to: its path and query secrets are hidden there too.
            const message = redactUrlsIn(
              [channel.url, target.href].reduce(
                (text, url) => text.split(url).join(redactWebhookUrl(url)),
                error.message,
              ),
            );
            this.outcomes.push({ channel: shown, event: notice.event, ok: false, error: message });
            this.warn(`notifying ${shown} of ${notice.event} failed: ${message} (the verdict does not depend on it)`);
          }),
      );
    }
  }
}
