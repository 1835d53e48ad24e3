// A fast HTTP/1.1 server in its own process (so it does not share a thread
// with the generator under test): answers every request `200 ok` on
// keep-alive connections, counts the requests it received, and tells its
// parent the count over IPC. Plain JavaScript: it starts in milliseconds.
// An optional first argument delays every answer by that many ms (a service
// with a known service time).
import net from 'node:net';

const RESPONSE = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nKeep-Alive: timeout=60\r\n\r\nok');
const delayMs = Number(process.argv[2] ?? 0);
let received = 0;
const server = net.createServer((socket) => {
  socket.setNoDelay(true);
  socket.on('error', () => undefined);
  let tail = '';
  socket.on('data', (chunk) => {
    const text = tail + chunk.toString('latin1');
    let from = 0;
    let end;
    let answers = 0;
    while ((end = text.indexOf('\r\n\r\n', from)) !== -1) {
      answers += 1;
      from = end + 4;
    }
    tail = text.slice(from);
    received += answers;
    const answer = () => {
      for (let i = 0; i < answers; i++) socket.write(RESPONSE);
    };
    if (delayMs > 0) setTimeout(answer, delayMs);
    else answer();
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (message) => {
  if (message === 'count') process.send({ received });
});
process.on('disconnect', () => process.exit(0));
