import { describe, expect, it } from 'vitest';
import { createOutputStyle } from '../../harness/cli/output-style.ts';
import { runCli } from '../../harness/cli/program.ts';
import { bufferIo } from '../support/buffer-io.ts';

type Stream = Parameters<typeof createOutputStyle>[0];
const pipe = { write: () => true, isTTY: false } as unknown as Stream;
const tty = { write: () => true, isTTY: true } as unknown as Stream;
const coloured = (stream: Stream, env: NodeJS.ProcessEnv) => createOutputStyle(stream, env).red('x') !== 'x';

describe('--help says what ordeal reads and writes', () => {
  it('lists every environment variable ordeal reads, and the files a run writes', async () => {
    const io = bufferIo();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const name of [
      'NO_COLOR',
      'FORCE_COLOR',
      'CI',
      'ORDEAL_STATE_DIR',
      'ORDEAL_CACHE_DIR',
      'ORDEAL_TOXIPROXY_SERVER',
      'ORDEAL_PROMETHEUS_DIR',
      'K6_BINARY',
      'GITHUB_STEP_SUMMARY',
    ])
      expect(io.out()).toContain(name);
    for (const file of ['report.json', 'summary.md', 'report.html', 'junit.xml', 'index.html'])
      expect(io.out()).toContain(file);
  });
});

describe('colour', () => {
  it('on a terminal unless NO_COLOR or a dumb TERM; never in a pipe', () => {
    expect(coloured(tty, {})).toBe(true);
    expect(coloured(tty, { NO_COLOR: '1' })).toBe(false);
    expect(coloured(tty, { TERM: 'dumb' })).toBe(false);
    expect(coloured(pipe, {})).toBe(false);
  });

  it('FORCE_COLOR colours a CI log (a pipe), as Node has it; FORCE_COLOR=0 or false does not', () => {
    expect(coloured(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(coloured(pipe, { FORCE_COLOR: '' })).toBe(true);
    expect(coloured(pipe, { FORCE_COLOR: '0' })).toBe(false);
    expect(coloured(pipe, { FORCE_COLOR: 'false' })).toBe(false);
    // The live line is about the terminal, not colour: a forced colour in CI still prints plain progress lines.
    expect(createOutputStyle(pipe, { FORCE_COLOR: '1', CI: 'true' }).live).toBe(false);
  });
});
