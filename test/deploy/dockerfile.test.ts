// The Dockerfile without a Docker engine: dockerfilelint finds nothing, and the HEALTHCHECK's
// command really works: run as the image runs it (node -e, DVC_LISTEN naming the port) against a
// real /healthz on 127.0.0.1, it exits 0 on 200, 1 on 503 and 1 when nothing listens.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const dockerfile = readFileSync(new URL('../../Dockerfile', import.meta.url), 'utf8');
const require = createRequire(import.meta.url);
const dockerfilelint = require('dockerfilelint') as { run(configPath: string, content: string): { line: number; title: string; description: string }[] };

/** The final stage's instructions, continuation lines joined. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.startsWith('#'));
const finalStage = instructions.slice(instructions.findLastIndex((line) => line.startsWith('FROM ')));

describe('Dockerfile', () => {
  it('passes dockerfilelint, which does find a broken health check', () => {
    expect(dockerfilelint.run('.', dockerfile)).toEqual([]);
    expect(dockerfilelint.run('.', dockerfile.replace('HEALTHCHECK --interval=30s', 'HEALTHCHECK --interval')).map((issue) => issue.title)).toEqual([
      'Missing Argument for HEALTHCHECK option',
    ]);
  });

  it('listens on every interface of the container through DVC_LISTEN, and publishes that port', () => {
    expect(finalStage).toContain('ENV DVC_LISTEN=0.0.0.0:9464');
    expect(finalStage).toContain('EXPOSE 9464');
  });

  describe('HEALTHCHECK', () => {
    const healthcheck = finalStage.find((line) => line.startsWith('HEALTHCHECK '));
    const command = JSON.parse(/ CMD (\[.*\])$/.exec(healthcheck ?? '')?.[1] ?? '[]') as string[];
    let status = 200;
    let asked: string[] = [];
    let server: Server;
    let port: number;
    beforeAll(async () => {
      server = createServer((request, response) => {
        asked.push(request.url ?? '');
        response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ status: status === 200 ? 'ok' : 'stuck' }));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      port = (server.address() as { port: number }).port;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    /** The health check's exit code, run as Docker runs it in the image (exec form, the image's node). */
    const runHealthcheck = async (listen: string): Promise<number | null> => {
      const [file, ...args] = command;
      expect(file).toBe('node');
      const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, DVC_LISTEN: listen }, stdio: 'ignore' });
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      const [code] = (await once(child, 'exit')) as [number | null];
      clearTimeout(timer);
      return code;
    };

    it('is set, with a timeout, on /healthz without curl (the slim image has none)', () => {
      expect(healthcheck).toMatch(/--timeout=\d+s/);
      expect(command.slice(0, 2)).toEqual(['node', '-e']);
      expect(command[2]).toContain('/healthz');
    });

    it('passes while /healthz answers 200, at the port DVC_LISTEN names', async () => {
      status = 200;
      asked = [];
      expect(await runHealthcheck(`0.0.0.0:${port}`)).toBe(0);
      expect(asked).toEqual(['/healthz']);
    });

    it('fails when /healthz answers 503 (a stuck scheduler) and when nothing listens', async () => {
      status = 503;
      expect(await runHealthcheck(`0.0.0.0:${port}`)).toBe(1);
      const closed = createServer();
      closed.listen(0, '127.0.0.1');
      await once(closed, 'listening');
      const freePort = (closed.address() as { port: number }).port;
      await new Promise((resolve) => closed.close(resolve));
      expect(await runHealthcheck(`[::]:${freePort}`)).toBe(1);
    });
  });
});
