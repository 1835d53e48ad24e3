import { readdir, readFile, lstat } from 'node:fs/promises';
import { OrdealError } from '../errors/ordeal-error.ts';

/**
 * A process as a fault names it (issue 31): its pid and its start time (clock ticks since boot, /proc/<pid>/stat
 * field 22), which together never name another process — a pid is reused, a pid and a start time are not. Undoing
 * a fault (SIGCONT after SIGSTOP) signals only the process that was faulted: a pid that now belongs to another
 * process is left alone.
 */
export interface ProcessIdentity {
  pid: number;
  startTicks: number;
  /** Its command line, for people ("node services/ledger.js --primary"). */
  command: string;
}

/** How a scenario names a process: a pid file its supervisor writes, or a pattern its command line matches. */
export type ProcessSelector = { pidFile: string } | { match: string };

/** At most this much of a pid file is read (a pid is a few digits). */
const MAX_PID_FILE_BYTES = 64;
/** At most this much of a command line is kept. */
const MAX_COMMAND_CHARS = 300;

/** The start time of `pid`, or undefined when no such process is alive. */
export async function startTicksOf(pid: number): Promise<number | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  if (stat === undefined) return undefined;
  // The command name (field 2) is in parentheses and may hold spaces or ")": the fields after the last ")" count.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[19]);
  return Number.isFinite(ticks) ? ticks : undefined;
}

async function uidOf(pid: number): Promise<number | undefined> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => undefined);
  const uid = status ? /^Uid:\s+(\d+)/m.exec(status)?.[1] : undefined;
  return uid === undefined ? undefined : Number(uid);
}

async function commandOf(pid: number): Promise<string | undefined> {
  const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => undefined);
  return raw === undefined ? undefined : raw.replace(/\0+$/, '').replaceAll('\0', ' ').slice(0, MAX_COMMAND_CHARS);
}

/** The scheduler's state of a process (/proc/<pid>/stat field 3): "T" while stopped; undefined once it is gone. */
export async function processStateOf(pid: number): Promise<string | undefined> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
}

/** The identity of a live process, or undefined when it is gone. */
export async function identityOf(pid: number): Promise<ProcessIdentity | undefined> {
  const [startTicks, command] = await Promise.all([startTicksOf(pid), commandOf(pid)]);
  return startTicks === undefined || command === undefined ? undefined : { pid, startTicks, command };
}

/** The pids a fault may never touch: init, ordeal itself, its parent, and its watchdog. */
export interface Untouchable {
  watchdogPid?: number;
}

/**
 * Whether a process may be faulted: alive, not pid 1, not ordeal or its parent or its watchdog, and owned by the
 * user ordeal runs as. Throws OrdealError (exit 2, nothing sent) naming the process and the rule.
 */
export async function assertFaultable(
  pid: number,
  untouchable: Untouchable = {},
  field = 'process',
): Promise<ProcessIdentity> {
  const refuse = (why: string): never => {
    throw new OrdealError('ORDEAL_ERR_SCENARIO', `${field}: pid ${pid} ${why}`);
  };
  if (!Number.isInteger(pid) || pid <= 0) refuse('is not a process id');
  if (pid === 1) refuse('is init (pid 1): never a fault target');
  if (pid === process.pid) refuse('is ordeal itself');
  if (pid === process.ppid) refuse("is ordeal's parent");
  if (untouchable.watchdogPid !== undefined && pid === untouchable.watchdogPid) refuse("is ordeal's watchdog");
  const identity = await identityOf(pid);
  if (!identity) return refuse('is not running');
  const uid = await uidOf(pid);
  const mine = process.getuid?.();
  if (uid === undefined || (mine !== undefined && uid !== mine))
    refuse(
      `belongs to another user (uid ${uid ?? 'unknown'}; ordeal runs as ${mine}): ordeal faults only its user's processes`,
    );
  return identity;
}

/** Resolves a selector to one live process: a pid file's pid, or the one process whose command line matches. */
export async function resolveProcess(selector: ProcessSelector, field = 'process'): Promise<number> {
  if ('pidFile' in selector) {
    const info = await lstat(selector.pidFile).catch(() => undefined);
    if (!info?.isFile())
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `${field}.pidFile: "${selector.pidFile}" is ${info ? 'not a regular file' : 'missing'} (a pid file holds one process id)`,
      );
    if (info.size > MAX_PID_FILE_BYTES)
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `${field}.pidFile: "${selector.pidFile}" is ${info.size} bytes, over the ${MAX_PID_FILE_BYTES} a pid file can be`,
      );
    const text = (await readFile(selector.pidFile, 'utf8')).trim();
    if (!/^\d{1,10}$/.test(text))
      throw new OrdealError(
        'ORDEAL_ERR_SCENARIO',
        `${field}.pidFile: "${selector.pidFile}" does not hold a process id`,
      );
    return Number(text);
  }
  const pattern = new RegExp(selector.match);
  const matches: ProcessIdentity[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    const identity = await identityOf(Number(entry));
    if (identity && identity.command.length > 0 && pattern.test(identity.command)) matches.push(identity);
  }
  if (matches.length === 1) return matches[0]!.pid;
  throw new OrdealError(
    'ORDEAL_ERR_SCENARIO',
    matches.length === 0
      ? `${field}.match: no running process's command line matches /${selector.match}/`
      : `${field}.match: /${selector.match}/ matches ${matches.length} processes (${matches
          .slice(0, 5)
          .map((m) => `${m.pid}: ${m.command}`)
          .join('; ')}); make it match one`,
  );
}

/**
 * Sends `signal` to the process only if it is still the one identified (same pid, same start time): true when
 * sent; false when the process is gone or the pid now belongs to another (the undo of a fault never hits it).
 */
export async function signalIfSame(identity: ProcessIdentity, signal: NodeJS.Signals): Promise<boolean> {
  if ((await startTicksOf(identity.pid)) !== identity.startTicks) return false;
  try {
    process.kill(identity.pid, signal);
    return true;
  } catch {
    return false;
  }
}
