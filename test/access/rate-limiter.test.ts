// The one rate limiter (src/access/rate-limiter.ts) as a story on an injected clock: requests at
// the server (take) and failed logins (record + isLimited) share its sliding window per address.
import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../../src/access/rate-limiter.ts';
import { createTestClocks } from '../support/test-clocks.ts';

describe('the sliding-window rate limiter', () => {
  it('allows the allowance per window and address, then refuses until the oldest leaves the window', () => {
    const clocks = createTestClocks();
    const limiter = createRateLimiter({ allowance: 3, windowMs: 10_000 }, clocks.monotonic);
    const story: string[] = [];
    const take = (address: string): void => {
      story.push(`${address} ${limiter.take(address) ? 'allowed' : 'refused'}`);
    };
    take('203.0.113.7');
    clocks.advance(4_000);
    take('203.0.113.7');
    take('203.0.113.7');
    take('203.0.113.7'); // the fourth within 10 s
    take('198.51.100.2'); // another address has its own allowance
    clocks.advance(5_999); // 9.999 s after the first
    take('203.0.113.7');
    clocks.advance(1); // the first has left the window; a refusal is not counted
    take('203.0.113.7');
    take('203.0.113.7');
    expect(story).toEqual([
      '203.0.113.7 allowed',
      '203.0.113.7 allowed',
      '203.0.113.7 allowed',
      '203.0.113.7 refused',
      '198.51.100.2 allowed',
      '203.0.113.7 refused',
      '203.0.113.7 allowed',
      '203.0.113.7 refused',
    ]);
  });

  it('counts failures with record and says when an address has used them up (the login limit)', () => {
    const clocks = createTestClocks();
    const limiter = createRateLimiter({ allowance: 5, windowMs: 60_000 }, clocks.monotonic);
    for (let failure = 0; failure < 5; failure += 1) {
      expect(limiter.isLimited('10.0.0.9')).toBe(false);
      limiter.record('10.0.0.9');
      clocks.advance(1_000);
    }
    expect(limiter.isLimited('10.0.0.9')).toBe(true);
    clocks.advance(55_000); // the first failure is 60 s old
    expect(limiter.isLimited('10.0.0.9')).toBe(false);
  });
});
