#!/usr/bin/env node
// Plays GitHub's `gh` CLI for test/cli/github-actions-example.test.ts: the two commands the README's workflow uses,
// against a folder standing for the repository's workflow runs and their artifacts (GH_STAND_IN_STORE: runs.json,
// and <run id>/<artifact name>/ for each upload). GitHub itself cannot be had here. Any other command, flag or
// --json/--jq form is refused, so the README cannot use one this stand-in does not play faithfully.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const fail = (message) => {
  process.stderr.write(`${message}\n`);
  process.exit(1);
};

function flags(list, allowed) {
  const found = {};
  for (let i = 0; i < list.length; i += 2) {
    if (!allowed.includes(list[i]) || list[i + 1] === undefined) fail(`unknown flag: ${list[i]}`);
    found[list[i]] = list[i + 1];
  }
  return found;
}

const store = process.env.GH_STAND_IN_STORE;
if (!store) fail('GH_STAND_IN_STORE is not set');
if (!process.env.GH_TOKEN)
  fail('gh: To use GitHub CLI in a GitHub Actions workflow, set the GH_TOKEN environment variable.');
const [command, sub, ...rest] = process.argv.slice(2);
const runs = JSON.parse(readFileSync(path.join(store, 'runs.json'), 'utf8'));

if (command === 'run' && sub === 'list') {
  const f = flags(rest, ['--workflow', '--branch', '--status', '--limit', '--json', '--jq']);
  if (f['--json'] !== 'databaseId' || f['--jq'] !== '.[0].databaseId // empty')
    fail(`this stand-in plays --json databaseId --jq '.[0].databaseId // empty' only`);
  const found = runs
    .filter(
      (run) =>
        (f['--workflow'] === undefined || run.workflowName === f['--workflow']) &&
        (f['--branch'] === undefined || run.headBranch === f['--branch']) &&
        (f['--status'] === undefined || run.conclusion === f['--status']),
    )
    .sort((a, b) => b.databaseId - a.databaseId)
    .slice(0, Number(f['--limit'] ?? 20));
  if (found.length > 0) process.stdout.write(`${found[0].databaseId}\n`);
} else if (command === 'run' && sub === 'download') {
  const [id, ...more] = rest;
  const f = flags(more, ['--name', '--dir']);
  const from = path.join(store, String(id), f['--name'] ?? '');
  if (!f['--name'] || !existsSync(from)) fail('no valid artifacts found to download');
  cpSync(from, f['--dir'] ?? '.', { recursive: true });
} else
  fail(`this stand-in for gh plays "run list" and "run download" only, not: gh ${process.argv.slice(2).join(' ')}`);
