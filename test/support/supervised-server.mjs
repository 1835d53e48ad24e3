// A service under a supervisor, in plain JavaScript: this process (the supervisor) runs a small HTTP server as its
// child on the port given, writes the child's pid to the pid file given, and starts it again 200 ms after it exits
// (as systemd, runit or a container's restart policy would). SIGTERM to the supervisor stops both.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [port, pidFile] = process.argv.slice(2);
const SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(${Number(port)}, '127.0.0.1', () => process.send('up'))`;
let child;
let stopping = false;
const start = () => {
  child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  child.once('message', () => {
    writeFileSync(pidFile, `${child.pid}\n`);
    process.send?.({ up: child.pid });
  });
  child.once('exit', () => {
    if (!stopping) setTimeout(start, 200);
  });
};
process.on('SIGTERM', () => {
  stopping = true;
  child?.kill('SIGKILL');
  process.exit(0);
});
start();
