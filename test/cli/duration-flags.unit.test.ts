import { describe, expect, it } from 'vitest';
import { runCli } from '../../harness/cli/program.ts';
import { bufferIo } from '../support/buffer-io.ts';

describe('a duration flag is read like a scenario duration', () => {
  it.each(['soon', '5', '0s', '-1m', '400000000000000000000s'])(
    '--confirm-faults %j is exit 2 naming the value and an example, before anything is read',
    async (value) => {
      const io = bufferIo();
      expect(await runCli(['run', '/nonexistent/scenario.yaml', `--confirm-faults=${value}`], io)).toBe(2);
      expect(io.err()).toContain(`"${value}" is not a duration (e.g. 2m, 90s)`);
      expect(io.err()).not.toMatch(/nonexistent/);
    },
  );
});
