// A local target for benchmarks: answers every request with a small fixed body, on 127.0.0.1.
// Runs in its own process so its CPU is not charged to the prober. Prints its port on stdout.
import { createServer } from 'node:http';

const body = Buffer.from('<html><body>Dịch vụ công — ok</body></html>');
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': body.length });
  response.end(body);
});
server.keepAliveTimeout = 1000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  if (address && typeof address === 'object') process.stdout.write(`${address.port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
