/**
 * Throttles guessing API keys: each client address may fail authentication
 * `maxFailures` times within `windowMs`; after that every GraphQL request from that
 * address is answered 429 (with `Retry-After`) until the window, counted from its first
 * failure, ends. Other addresses are not affected.
 *
 * Memory is bounded: at most `maxClients` addresses are remembered; when the table is
 * full the oldest window is forgotten first (expired ones go as they are met). IPv6
 * clients are counted per /64, the block one host usually gets, so rotating addresses
 * within it does not reset the count; IPv4-mapped IPv6 addresses count as their IPv4.
 * Behind a reverse proxy every client shares the proxy's address: the limit then applies
 * to all of them together (forwarded headers are not trusted, as anyone can send them).
 */

export interface AuthThrottleSettings {
  /** Failures allowed per address within one window. */
  maxFailures: number;
  /** Length of a window, in milliseconds, from the address's first failure. */
  windowMs: number;
  /** Addresses remembered at most. */
  maxClients: number;
}

export const AUTH_THROTTLE_DEFAULTS: AuthThrottleSettings = { maxFailures: 10, windowMs: 60_000, maxClients: 10_000 };

interface Window {
  start: number;
  failures: number;
}

export class AuthThrottle {
  private readonly clients = new Map<string, Window>();

  constructor(
    private readonly settings: AuthThrottleSettings = AUTH_THROTTLE_DEFAULTS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Whole seconds until `address` may try again; 0 when it may now. */
  retryAfterSeconds(address: string): number {
    const key = clientKey(address);
    const window = this.clients.get(key);
    if (!window) return 0;
    const left = window.start + this.settings.windowMs - this.now();
    if (left <= 0) {
      this.clients.delete(key);
      return 0;
    }
    return window.failures >= this.settings.maxFailures ? Math.ceil(left / 1000) : 0;
  }

  /** Counts one failed authentication; returns the failures in the address's current window. */
  recordFailure(address: string): number {
    const key = clientKey(address);
    const now = this.now();
    const window = this.clients.get(key);
    if (window && window.start + this.settings.windowMs > now) {
      window.failures++;
      return window.failures;
    }
    if (window) this.clients.delete(key);
    this.makeRoom(now);
    this.clients.set(key, { start: now, failures: 1 });
    return 1;
  }

  /** How many addresses are remembered (for tests of the bound). */
  get size(): number {
    return this.clients.size;
  }

  get maxFailures(): number {
    return this.settings.maxFailures;
  }

  private makeRoom(now: number): void {
    // Insertion order is window-start order, so the first entries are the oldest.
    for (const [key, window] of this.clients) {
      const expired = window.start + this.settings.windowMs <= now;
      if (!expired && this.clients.size < this.settings.maxClients) break;
      this.clients.delete(key);
    }
  }
}

/** The key an address is counted under: IPv4 as is, IPv6 by its /64 prefix. */
export function clientKey(address: string): string {
  const plain = address.split("%")[0].toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(plain);
  if (mapped) return mapped[1];
  if (!plain.includes(":")) return plain;
  const groups = expandIPv6(plain);
  return groups ? `${groups.slice(0, 4).join(":")}::/64` : plain;
}

/** The eight 16-bit groups of an IPv6 address (an embedded IPv4 tail counts as two). */
function expandIPv6(address: string): string[] | undefined {
  const halves = address.split("::");
  if (halves.length > 2) return undefined;
  const parse = (part: string): string[] =>
    part === "" ? [] : part.split(":").flatMap((group) => (group.includes(".") ? ["0", "0"] : [group.replace(/^0+(?=.)/, "")]));
  const head = parse(halves[0]);
  const tail = halves.length === 2 ? parse(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (missing < 0 || (halves.length === 1 && missing !== 0)) return undefined;
  return [...head, ...Array<string>(missing).fill("0"), ...tail];
}
