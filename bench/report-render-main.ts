// Standalone: node --import tsx bench/report-render-main.ts (also part of npm run bench as "report-render").
import { benchReportRender, reportRenderTable } from './report-render.ts';

console.log(reportRenderTable(await benchReportRender()));
