// A stand-in for ordeal's harness, from the compiled build (argv[2]): starts its fault watchdog, pauses the process
// argv[3] the way a process fault does (the undo recorded first), says "paused <watchdog pid>" and waits to be killed.
const [build, targetPid, runId] = process.argv.slice(2);
const { startFaultWatchdog } = await import(`${build}/harness/faults/fault-watchdog.js`);
const { identityOf } = await import(`${build}/harness/process/process-identity.js`);
const { pauseProcess } = await import(`${build}/harness/faults/process-pause.js`);
const watchdog = await startFaultWatchdog(runId);
await pauseProcess(watchdog, await identityOf(Number(targetPid)));
process.stdout.write(`paused ${watchdog.pid}\n`);
globalThis.setInterval(() => undefined, 1 << 30);
