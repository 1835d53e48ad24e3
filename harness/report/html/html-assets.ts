import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const UPLOT_DIR = path.dirname(require.resolve('uplot'));
const HERE = path.dirname(fileURLToPath(import.meta.url));

export interface HtmlAssets {
  uplotJs: string;
  uplotCss: string;
  chartsJs: string;
  reportCss: string;
}

let cached: Promise<HtmlAssets> | undefined;

/** uPlot (inlined: the page must work offline) and the page's own script and styles. */
export function loadHtmlAssets(): Promise<HtmlAssets> {
  cached ??= Promise.all([
    readFile(path.join(UPLOT_DIR, 'uPlot.iife.min.js'), 'utf8'),
    readFile(path.join(UPLOT_DIR, 'uPlot.min.css'), 'utf8'),
    readFile(path.join(HERE, 'report-charts.browser.js'), 'utf8'),
    readFile(path.join(HERE, 'report.css'), 'utf8'),
  ]).then(([uplotJs, uplotCss, chartsJs, reportCss]) => ({ uplotJs, uplotCss, chartsJs, reportCss }));
  return cached;
}
