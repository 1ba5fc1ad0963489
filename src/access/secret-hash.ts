// Password and token hashes: scrypt from node:crypto (OpenSSL's), stored as a self-describing
// `scrypt$N$r$p$salt$hash` (base64), compared in constant time. Verification is slow on purpose
// (tens of milliseconds) and nothing is cached, so a stolen config or memory dump of the hashes
// costs an attacker the same per guess.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** 2^15: about 32 MiB and 50-100 ms per verification on a small server. */
const DEFAULT_COST = 32768;
const BLOCK_SIZE = 8;
const PARALLELISM = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;

const FORMAT = /^scrypt\$(\d+)\$(\d+)\$(\d+)\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/;

export async function hashSecret(secret: string, cost = DEFAULT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, KEY_BYTES, { N: cost, r: BLOCK_SIZE, p: PARALLELISM });
  return `scrypt$${cost}$${BLOCK_SIZE}$${PARALLELISM}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/** Whether `secret` matches `stored`; false (never a throw) for a malformed hash. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const match = FORMAT.exec(stored);
  if (match === null) return false;
  const expected = Buffer.from(match[5]!, 'base64');
  let key: Buffer;
  try {
    key = await derive(secret, Buffer.from(match[4]!, 'base64'), expected.length, { N: Number(match[1]), r: Number(match[2]), p: Number(match[3]) });
  } catch {
    return false;
  }
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** Spent on an unknown name so that the answer's timing does not tell which names exist. */
export const DECOY_HASH = `scrypt$${DEFAULT_COST}$${BLOCK_SIZE}$${PARALLELISM}$${Buffer.alloc(SALT_BYTES).toString('base64')}$${Buffer.alloc(KEY_BYTES).toString('base64')}`;

function derive(secret: string, salt: Buffer, length: number, options: { N: number; r: number; p: number }): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; OpenSSL's default ceiling (32 MiB) is exactly N=2^15, r=8, so leave room.
  const withMemory: ScryptOptions = { ...options, maxmem: 256 * options.N * options.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, length, withMemory, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
