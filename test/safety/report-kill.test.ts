import { spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { TSX_LOADER } from '../../harness/process/tsx-loader.ts';
import { writeTempScenario } from '../support/temp-scenario.ts';

const WRITER = fileURLToPath(new URL('../support/report-writer-child.ts', import.meta.url));
const KILLS = 15;

describe('kill -9 while a report is being written', () => {
  it(
    `never leaves a truncated report.json, summary.md, report.html or junit.xml (${KILLS} kills at random moments)`,
    { timeout: 120_000 },
    async () => {
      const { reportDir } = await writeTempScenario({});
      const runDir = path.join(reportDir, 'killed-while-writing');
      let lastGeneration = 0;
      for (let kill = 0; kill < KILLS; kill++) {
        const child = spawn(process.execPath, ['--import', TSX_LOADER, WRITER, reportDir], {
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        const exited = new Promise((resolve) => child.once('exit', resolve));
        // Once one write has completed, aim the kill inside the next: a random moment within the time the last write took.
        const lastWriteMs = await new Promise<number>((resolve, reject) => {
          void exited.then(() => reject(new Error('the report writer exited before its second write')));
          let output = '';
          child.stdout.on('data', (chunk: Buffer) => {
            output += chunk.toString();
            const match = /writing (\d+) (\d+(?:\.\d+)?)\n/.exec(output.split('\n').slice(-2).join('\n') + '\n');
            if (match && Number(match[1]) >= 2) resolve(Number(match[2]));
          });
        });
        await new Promise((resolve) => setTimeout(resolve, Math.random() * lastWriteMs));
        child.kill('SIGKILL');
        await exited;
        const json = await readFile(path.join(runDir, 'report.json'), 'utf8');
        const report = JSON.parse(json) as { verdictReason: string; timeseries: unknown[] };
        expect(report.timeseries).toHaveLength(20_000);
        lastGeneration = Number(report.verdictReason.split(' ')[1]);
        expect(lastGeneration).toBeGreaterThanOrEqual(1);
        const summary = await readFile(path.join(runDir, 'summary.md'), 'utf8');
        expect(summary.trimEnd().split('\n').length).toBeGreaterThan(3);
        // Every file is there (a whole earlier generation was written before the kill) and whole (the XML and HTML
        // end properly); a kill may leave only hidden temporary files beside them.
        const html = await readFile(path.join(runDir, 'report.html'), 'utf8');
        expect(html.trimEnd().endsWith('</html>')).toBe(true);
        const junit = await readFile(path.join(runDir, 'junit.xml'), 'utf8');
        expect(junit.trimEnd().endsWith('</testsuites>')).toBe(true);
        const leftovers = (await readdir(runDir)).filter(
          (name) => !['report.json', 'summary.md', 'report.html', 'junit.xml'].includes(name),
        );
        for (const name of leftovers)
          expect(name).toMatch(/^\.(report\.json|summary\.md|report\.html|junit\.xml)\.[0-9a-f]{8}\.tmp$/);
      }
    },
  );
});
