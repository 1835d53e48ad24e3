import path from 'node:path';
import { writeFileAtomic } from '../files/atomic-write.ts';
import type { Reporter } from './reporter.ts';
import type { RunReport } from './run-report.ts';

export const jsonReporter: Reporter = {
  name: 'json',
  fileName: 'report.json',
  async write(report: RunReport, runDir: string): Promise<string> {
    const file = path.join(runDir, 'report.json');
    await writeFileAtomic(file, `${JSON.stringify(report, null, 2)}\n`);
    return file;
  },
};
