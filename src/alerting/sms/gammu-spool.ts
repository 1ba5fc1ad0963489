// Writes messages into a gammu-smsd outbox (files backend) exactly as `gammu-smsd-inject` does with
// `outboxformat = unicode`: one file per recipient and part, named
// OUT<priority><YYYYMMDD>_<HHMMSS>_<serial>_<phone>_sms<part>.txt, holding a big-endian UTF-16
// byte-order mark and the part's text. The daemon reads a BOM file the same whatever its locale, and
// takes files in name order, so the name's time and serial keep our order. Each file is written under a
// hidden name (the daemon skips names starting with ".") and renamed into place: never read half-written.
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toWallClock, VIETNAM_TIME_ZONE } from '../../time-zone.ts';

/** gammu-smsd-inject's priority; A is sent first, and we keep one priority so order is the name order. */
const PRIORITY = 'C';
/** Wide enough that serials within one second never wrap, so names sort in queue order. */
const SERIAL_DIGITS = 6;

export interface SpoolMessage {
  readonly phone: string;
  /** The message's parts (one segment each), as segment() cut them. */
  readonly parts: readonly string[];
}

/** The file names of one message, in the order the daemon will send them. */
function spoolFileNames(message: SpoolMessage, stamp: Date, serial: number): string[] {
  const wall = toWallClock(stamp, VIETNAM_TIME_ZONE);
  const time = `${wall.year}${wall.month}${wall.day}_${wall.hour}${wall.minute}${wall.second}`;
  const serialText = String(serial % 10 ** SERIAL_DIGITS).padStart(SERIAL_DIGITS, '0');
  return message.parts.map((_part, index) => `OUT${PRIORITY}${time}_${serialText}_${message.phone}_sms${index}.txt`);
}

/** The bytes of one part file: FE FF, then UTF-16BE. */
function spoolFileContent(text: string): Buffer {
  const bytes = Buffer.from(text, 'utf16le');
  bytes.swap16();
  return Buffer.concat([Buffer.from([0xfe, 0xff]), bytes]);
}

/**
 * Writes every part of a message; a file already there under the same name is replaced (a resend of
 * the same frozen delivery, not a second message). Returns the names written.
 */
export async function writeSpoolMessage(outbox: string, message: SpoolMessage, stamp: Date, serial: number): Promise<string[]> {
  const names = spoolFileNames(message, stamp, serial);
  for (const [index, name] of names.entries()) {
    const temporary = join(outbox, `.${name}.${randomBytes(6).toString('hex')}.tmp`);
    try {
      await writeFile(temporary, spoolFileContent(message.parts[index]!), { flag: 'wx' });
      await rename(temporary, join(outbox, name));
    } catch (error) {
      await rm(temporary, { force: true });
      throw error;
    }
  }
  return names;
}
