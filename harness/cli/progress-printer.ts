import { faultTargetOf } from '../scenario/fault-schema.ts';
import type { CliStream } from './cli-io.ts';
import type { RunEvents, ProgressSnapshot } from '../events/run-events.ts';
import { formatDurationMs } from '../notation/duration.ts';
import { formatMs } from '../report/format-number.ts';
import type { OutputStyle } from './output-style.ts';

export function formatProgress(p: ProgressSnapshot): string {
  const errorShare = p.phaseRequests > 0 ? ((p.phaseErrors / p.phaseRequests) * 100).toFixed(2) : '0.00';
  return [
    `[${p.phase} ${p.phaseIndex + 1}/${p.phaseCount}] ${formatDurationMs(p.elapsedMs)} elapsed, ${formatDurationMs(p.remainingMs)} left`,
    `rate ${p.achievedRatePerSec}/${p.targetRatePerSec} req/s`,
    // First after the rate: on a narrow terminal the live line is cut at its end.
    ...(p.generatorBehind ? [`⚠ ${p.generatorBehind}`] : []),
    `p95 ${formatMs(p.p95Ms)} ms`,
    `errors ${p.phaseErrors} (${errorShare}%)`,
    `faults: ${p.activeFaults.join(', ') || 'none'}`,
  ].join(' | ');
}

/** A line being typed at the bottom of the terminal (a note): the live line waits, other lines go above it. */
export interface TypedLine {
  readonly typing: boolean;
  redraw(): void;
}

/** A live line per second on a terminal; plain lines when not a TTY or in CI. */
export function attachProgressPrinter(
  events: RunEvents,
  stream: CliStream,
  style: OutputStyle,
  options: { typed?: TypedLine } = {},
): void {
  let liveLineOpen = false;
  const line = (text: string): void => {
    const typing = options.typed?.typing === true;
    if (liveLineOpen || typing) stream.write('\r\u001b[2K');
    liveLineOpen = false;
    stream.write(`${text}\n`);
    if (typing) options.typed!.redraw();
  };
  events.on('infrastructure', ({ message }) => line(style.dim(`ordeal: ${message}`)));
  events.on('runStarted', ({ runId, target, timeline }) =>
    line(
      `ordeal: run ${runId} against ${target}: ${timeline.phases.length} phases, ${formatDurationMs(timeline.totalDurationMs)}`,
    ),
  );
  events.on('phaseStarted', ({ phase }) =>
    line(style.bold(`▶ phase ${phase.name} (${formatDurationMs(phase.durationMs)})`)),
  );
  events.on('faultApplied', ({ fault }) =>
    line(style.yellow(`  ⚡ fault on: ${faultTargetOf(fault.fault)} ${fault.fault.kind}`)),
  );
  events.on('faultRemoved', ({ fault }) =>
    line(style.dim(`  ✓ fault off: ${faultTargetOf(fault.fault)} ${fault.fault.kind}`)),
  );
  events.on('guardTripped', ({ trip }) =>
    line(style.red(`ordeal: guard "${trip.name}" tripped: ${trip.observed}; stopping load, removing faults`)),
  );
  events.on('warning', ({ message }) => line(style.yellow(`ordeal: warning: ${message}`)));
  events.on('annotation', ({ note }) =>
    line(`  ✎ note${note.phase ? ` (${note.phase})` : ''}, from the ${note.source}: ${note.text}`),
  );
  events.on('progress', (snapshot) => {
    const text = formatProgress(snapshot);
    if (style.live && options.typed?.typing) return;
    if (style.live) {
      // A terminal that reports no width (0, or none) gets the whole line, not 20 characters of it.
      stream.write(`\r\u001b[2K${stream.columns ? text.slice(0, Math.max(20, stream.columns - 1)) : text}`);
      liveLineOpen = true;
    } else line(`  ${text}`);
  });
  events.on('runEnded', () => {
    if (liveLineOpen) stream.write('\r\u001b[2K');
    liveLineOpen = false;
  });
}
