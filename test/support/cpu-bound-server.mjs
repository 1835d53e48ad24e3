// A service whose every request costs CPU: `cpuMs` of CPU time spent busy, then "ok". argv: <port> <cpuMs>.
// Prints its pid once it listens. Used where CPU starvation is the fault (stress-faults.test.ts).
import http from 'node:http';

const [port, cpuMs] = process.argv.slice(2).map(Number);
http
  .createServer((_request, response) => {
    // CPU time, not wall time: a starved process takes longer to spend it (a wall-clock loop would end on time).
    const cpuMicros = () => process.cpuUsage().user + process.cpuUsage().system;
    const until = cpuMicros() + cpuMs * 1_000;
    while (cpuMicros() < until);
    response.end('ok');
  })
  .listen(port, '127.0.0.1', () => process.stdout.write(`listening ${process.pid}\n`));
