import path from 'node:path';
import { writeFileAtomic } from '../../files/atomic-write.ts';
import type { Reporter } from '../reporter.ts';
import type { RunReport } from '../run-report.ts';
import { loadHtmlAssets } from './html-assets.ts';
import { renderHtml } from './render-html.ts';

export const htmlReporter: Reporter = {
  name: 'html',
  fileName: 'report.html',
  async write(report: RunReport, runDir: string): Promise<string> {
    const file = path.join(runDir, 'report.html');
    await writeFileAtomic(file, renderHtml(report, await loadHtmlAssets()));
    return file;
  },
};
