// The walls that keep ordeal easy to change (CONTRIBUTING.md, "Walls"), checked by
// dependency-cruiser in `npm test` (test/architecture/dependency-rules.test.ts).
// Type-only imports count as much as any other: a type that has to come from the wrong place is a seam.
// Beside these rules, the test checks the concept folders (harness/<folder>) for cycles between them.
const IO_MODULES =
  '^(node:)?(fs|fs/promises|net|http|https|child_process|dgram|dns|dns/promises|os|worker_threads|readline)$';
const IO_PACKAGES =
  '^(undici|toxiproxy-node-client|testcontainers|dockerode|prom-client|autocannon)$|node_modules/(undici|toxiproxy-node-client|testcontainers|dockerode|prom-client|autocannon)/';
const HARNESS_IO =
  '^harness/(net|load|run|cli|report|toxiproxy|prometheus|providers|process|containers|telemetry|k6)/|^harness/signals/(health-prober|metrics-scraper|prometheus-api|prometheus-signals|signal-collection)\\.ts$|^harness/faults/(?!fault-controller\\.ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'No import cycles, type-only ones included: each module can be understood before the ones that use it.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'judge-is-pure',
      comment:
        'verdict/ and checks/ (the judge and its check kinds) and notation/ import no I/O: they turn recorded data into checks and a verdict, testable without sockets.',
      severity: 'error',
      from: { path: '^harness/(verdict|checks|notation)/' },
      to: { path: [IO_MODULES, IO_PACKAGES, HARNESS_IO] },
    },
    {
      name: 'cli-is-the-top',
      comment: 'Nothing outside harness/cli imports the CLI: the library never prints and never exits.',
      severity: 'error',
      from: { path: '^harness/', pathNot: '^harness/cli/' },
      to: { path: '^harness/cli/' },
    },
    {
      name: 'reporters-do-not-run',
      comment: 'Reporters render a finished report; they import no run or load code.',
      severity: 'error',
      from: { path: '^harness/report/' },
      to: { path: '^harness/(run|load)/' },
    },
    {
      name: 'fixtures-stand-alone',
      comment: 'The bundled demo stack imports nothing from the harness: it is a system under test like any other.',
      severity: 'error',
      from: { path: '^fixtures/' },
      to: { path: '^harness/' },
    },
    {
      name: 'one-door-to-the-demo',
      comment: 'Only the bundled-stack provider knows the demo exists; no default in the core assumes it.',
      severity: 'error',
      from: { path: '^harness/', pathNot: '^harness/providers/bundled-stack/' },
      to: { path: '^fixtures/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)node_modules/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mjs', '.js', '.cjs', '.d.ts'],
    },
  },
};
