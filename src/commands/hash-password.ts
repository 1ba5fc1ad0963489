// `dvc-sentinel hash-password`: reads a password (or an API token) from standard input and prints
// the hash to put in access.users[].passwordHash or access.tokens[].tokenHash. At a terminal the
// typing is not echoed; piped, the first line is taken as is.
import type { Readable } from 'node:stream';
import { hashSecret } from '../access/secret-hash.ts';

export interface HashPasswordIo {
  stdout(line: string): void;
  stderr(line: string): void;
}

/** A terminal's stdin: raw mode turns echo off. */
interface TerminalInput extends Readable {
  readonly isTTY?: boolean;
  setRawMode?(mode: boolean): unknown;
}

export async function hashPasswordCommand(io: HashPasswordIo, input: TerminalInput = process.stdin): Promise<number> {
  const secret = input.isTTY === true && input.setRawMode !== undefined ? await readHidden(input, io) : firstLine(await readAll(input));
  if (secret === undefined || secret === '') {
    io.stderr('hash-password: no password given on standard input');
    return 2;
  }
  io.stdout(await hashSecret(secret));
  return 0;
}

async function readAll(input: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of input as AsyncIterable<Buffer | string>) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** The text up to the first line break: `echo secret |` adds one that is not part of the password. */
function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0] ?? '';
}

/** Reads keys without echo until Enter; Ctrl-C or Ctrl-D before any key gives nothing. */
function readHidden(input: TerminalInput, io: HashPasswordIo): Promise<string | undefined> {
  io.stderr('Mật khẩu (không hiện khi gõ) / Password (not shown):');
  input.setRawMode!(true);
  input.setEncoding('utf8');
  return new Promise((resolve) => {
    let typed = '';
    const finish = (value: string | undefined): void => {
      input.off('data', onData);
      input.setRawMode!(false);
      input.pause();
      resolve(value);
    };
    const onData = (chunk: string): void => {
      for (const character of chunk) {
        if (character === '\r' || character === '\n') return finish(typed);
        if (character === '\u0003' || (character === '\u0004' && typed === '')) return finish(undefined);
        if (character === '\u007f' || character === '\b') typed = [...typed].slice(0, -1).join('');
        else if (character >= ' ') typed += character;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}
