import { performance } from 'node:perf_hooks';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { emitKeypressEvents } from 'node:readline';
import { MAX_NOTE_CHARS } from '../run/operator.ts';
import type { CliStream } from './cli-io.ts';

export interface TerminalActions {
  /** Ctrl-C (raw mode takes it from the terminal driver): what SIGINT does. */
  interrupt(): void;
  /** Skips the rest of the running phase; false when none runs. */
  skip(): boolean;
  /** Confirms the faults waiting (--confirm-faults); false when none wait. */
  confirm(): boolean;
  /** Adds a note; returns why it was refused, if it was. */
  note(text: string): string | undefined;
  /** The phase running now, for the prompts. */
  phase(): string | undefined;
}

export interface TerminalKeys {
  /** True while a note is being typed: the live progress line waits. */
  readonly typing: boolean;
  /** Draws the note being typed again (after a line was printed above it). */
  redraw(): void;
  /** Gives the terminal back (cooked mode, stdin released). */
  detach(): void;
}

/** A second press of the same key within this long carries out a key that cannot be undone. */
const AGAIN_WITHIN_MS = 3_000;

export const KEYS_HELP =
  'keys: s skip the rest of the phase · c confirm faults · n add a note · q abort (like Ctrl-C) · ? help';

/** The one-line note being typed after n: Enter hands it over, Esc drops it, Backspace takes a character back. */
class NoteLine {
  private text?: string;

  constructor(
    private readonly output: CliStream,
    private readonly say: (text: string) => void,
    private readonly add: (text: string) => string | undefined,
  ) {}

  get open(): boolean {
    return this.text !== undefined;
  }

  begin(): void {
    this.text = '';
    this.draw();
  }

  draw(): void {
    if (this.text !== undefined) this.output.write(`\r\u001b[2K✎ note (Enter adds it, Esc drops it): ${this.text}`);
  }

  /** Clears the line being typed, if any, and forgets it. */
  close(): void {
    if (this.text !== undefined) this.output.write('\r\u001b[2K');
    this.text = undefined;
  }

  key(text: string | undefined, key: { name?: string; ctrl?: boolean }): void {
    const typed = this.text ?? '';
    if (key.name === 'return' || key.name === 'enter') {
      this.close();
      const refused = typed.trim() ? this.add(typed) : 'empty';
      if (refused) this.say(`ordeal: note not added: ${refused}`);
    } else if (key.name === 'escape') {
      this.text = undefined;
      this.say('ordeal: note dropped');
    } else if (key.name === 'backspace') {
      this.text = typed.slice(0, -1);
      this.draw();
    } else if (text && !key.ctrl && text >= ' ' && typed.length < MAX_NOTE_CHARS) {
      this.text = typed + text;
      this.draw();
    }
  }
}

/**
 * An operator's hand on the run from the terminal that started it (stdin a
 * TTY): skip and abort ask for a second press; `n` opens a one-line note
 * (Enter adds it, Esc drops it). Ctrl-C keeps its meaning.
 */
export function attachTerminalKeys(
  input: NodeJS.ReadStream,
  output: CliStream,
  actions: TerminalActions,
): TerminalKeys {
  let armed: { key: string; atMs: number } | undefined;
  const say = (text: string): void => void output.write(`\r\u001b[2K${text}\n`);
  const note = new NoteLine(output, say, actions.note);
  const pressedTwice = (key: string, first: string): boolean => {
    const now = performance.now();
    if (armed?.key === key && now - armed.atMs <= AGAIN_WITHIN_MS) {
      armed = undefined;
      return true;
    }
    armed = { key, atMs: now };
    say(first);
    return false;
  };
  const onKey = (text: string | undefined, key: { name?: string; ctrl?: boolean; sequence?: string } = {}): void => {
    if (key.ctrl && key.name === 'c') return actions.interrupt();
    if (note.open) return note.key(text, key);
    switch (text) {
      case 's': {
        const phase = actions.phase();
        if (!phase) return say('ordeal: no phase is running');
        if (pressedTwice('s', `ordeal: press s again within 3 s to skip the rest of phase ${phase}`)) {
          if (!actions.skip()) say('ordeal: no phase is running');
        }
        return;
      }
      case 'q':
        if (
          pressedTwice(
            'q',
            'ordeal: press q again within 3 s to abort the run (load stops, faults are removed, the report is written)',
          )
        )
          actions.interrupt();
        return;
      case 'c':
        if (!actions.confirm()) say('ordeal: no fault is waiting for a confirm');
        return;
      case 'n':
        return note.begin();
      case '?':
      case 'h':
        say(`ordeal: ${KEYS_HELP}`);
        return;
      default:
    }
  };
  emitKeypressEvents(input);
  input.setRawMode(true);
  input.on('keypress', onKey);
  input.resume();
  say(`ordeal: ${KEYS_HELP}`);
  return {
    get typing() {
      return note.open;
    },
    redraw() {
      note.draw();
    },
    detach() {
      note.close();
      input.off('keypress', onKey);
      input.setRawMode(false);
      input.pause();
    },
  };
}

/**
 * Whether this process is in its terminal's foreground process group. Only
 * then may it take the terminal into raw mode: a run started in the
 * background (`ordeal run … &`) would otherwise be stopped by the terminal
 * (SIGTTOU) and hang. From /proc on Linux, else ps; unknown means no.
 */
export function inTerminalForeground(): boolean {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // pid (comm) state ppid pgrp session tty_nr tpgid …; comm may hold spaces and parentheses.
    const [, , pgrp, , , tpgid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return pgrp === tpgid;
  } catch {
    try {
      const [tpgid, pgid] = execFileSync('ps', ['-o', 'tpgid=', '-o', 'pgid=', '-p', String(process.pid)], {
        encoding: 'utf8',
        timeout: 2_000,
      })
        .trim()
        .split(/\s+/);
      return tpgid !== undefined && tpgid === pgid;
    } catch {
      return false;
    }
  }
}
