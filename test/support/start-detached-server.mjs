// A restart command as a supervisor-less service would have one (like `systemctl start`): starts a small HTTP server
// on the port given, detached, writes its pid to the pid file given once it listens, and exits 0.
// argv: <port> <pidFile>
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const [port, pidFile] = process.argv.slice(2);
const SERVER = `require('node:http').createServer((q, s) => s.end('ok')).listen(${Number(port)}, '127.0.0.1', () => process.send('up'))`;
const child = spawn(process.execPath, ['-e', SERVER], { detached: true, stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
child.once('message', () => {
  writeFileSync(pidFile, `${child.pid}\n`);
  child.disconnect();
  child.unref();
  process.exit(0);
});
child.once('exit', (code) => process.exit(code ?? 1));
