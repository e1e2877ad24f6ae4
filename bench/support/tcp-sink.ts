// The receiving end of the loopback TCP pump, run as its own process (like a broker is): accepts one
// connection, reads until the sender ends, answers with the byte count. Prints its port on stdout.
import { createServer } from 'node:net';

const server = createServer((socket) => {
  let received = 0;
  socket.on('data', (chunk: Buffer) => {
    received += chunk.length;
  });
  socket.on('end', () => {
    socket.end(String(received));
    server.close();
  });
});
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
