import type { CliStream } from './cli-io.ts';
/** Colour only on a TTY and only when NO_COLOR is unset (https://no-color.org). */
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
  const colour = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const wrap = (open: number, close: number) => (text: string) =>
    colour ? `\u001b[${open}m${text}\u001b[${close}m` : text;
  return { live, bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39) };
}
