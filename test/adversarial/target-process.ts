// A healthy portal in a process of its own, so that the test process's hostile servers (pumping
// endless bodies, inflating bombs) cannot make it slow: whatever a healthy check sees late is the
// daemon's doing. Answers 200 "Dịch vụ công" to every request; the port comes back on stdout.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const SERVER = `
  const http = require('node:http');
  const server = http.createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<html><body>Dịch vụ công trực tuyến</body></html>');
  });
  server.keepAliveTimeout = 1000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

export interface TargetProcess {
  readonly url: string;
  readonly child: ChildProcess;
  close(): Promise<void>;
}

export async function startTargetProcess(): Promise<TargetProcess> {
  const child = spawn(process.execPath, ['-e', SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout, 'data')) as [Buffer];
  const port = Number(chunk.toString().trim());
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
