import type { CliStream } from './cli-io.ts';
/**
 * Colour on a TTY when NO_COLOR is unset (https://no-color.org) and TERM is not "dumb"; FORCE_COLOR (any value but
 * 0 or false) colours anyway — a CI log that shows ANSI colours — as Node and most CLIs have it.
 */
export interface OutputStyle {
  live: boolean;
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
}

export function createOutputStyle(stream: CliStream, env: NodeJS.ProcessEnv = process.env): OutputStyle {
  const live = Boolean(stream.isTTY) && !env.CI;
  const forced = env.FORCE_COLOR !== undefined && !['0', 'false'].includes(env.FORCE_COLOR);
  const colour = forced || (Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  const wrap = (open: number, close: number) => (text: string) =>
    colour ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { live, bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}
