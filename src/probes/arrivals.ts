// What a probe's sockets have received so far, as one number that only grows: bytes read plus
// one per completed connect. The deadline reads it to tell a late event loop from a late answer:
// Node runs due timers before it reads sockets, so when the loop was busy, an answer that reached
// the socket in time would otherwise be thrown away by a deadline that fired first.
// bytesRead is kept by the socket itself, so nothing here listens for data (a 'data' listener
// would switch the socket to flowing mode under the reader's feet).
import type net from 'node:net';
import { TLSSocket } from 'node:tls';

export interface Arrivals {
  /** Counts what this socket receives from now on (and what it already has). */
  readonly watch: (socket: net.Socket) => void;
  readonly count: () => number;
}

/**
 * How long past its deadline a probe may still take in an answer that is arriving. Bounded, so a
 * drip-feeding endpoint still times out within it; long enough for a loop slowed by a burst.
 */
export const ANSWER_GRACE_MS = 1000;

/**
 * A TLS socket counts only the decrypted bytes it read, none of the handshake's; its completion
 * is what shows that the server's part of the handshake arrived.
 */
function handshakeDone(socket: net.Socket): boolean {
  if (!(socket instanceof TLSSocket)) return false;
  const protocol = socket.getProtocol();
  return protocol !== null && protocol !== 'unknown';
}

export function createArrivals(): Arrivals {
  const sockets: net.Socket[] = [];
  return {
    watch: (socket) => {
      // A probe opens a handful of sockets at most (a connection per redirect hop, a TLS socket on top).
      if (sockets.length < 32) sockets.push(socket);
    },
    count: () => {
      let total = 0;
      for (const socket of sockets) total += socket.bytesRead + (socket.connecting ? 0 : 1) + (handshakeDone(socket) ? 1 : 0);
      return total;
    },
  };
}
