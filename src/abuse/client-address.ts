import { isIPv4, isIPv6 } from 'node:net';

/** The parts of an Express or Fastify request the address is read from. */
export interface AddressedRequest {
  /** Express (honours the host's `trust proxy`) and Fastify (`trustProxy`) both set it. */
  ip?: unknown;
  socket?: { remoteAddress?: string };
  /** Fastify: the Node request. */
  raw?: { socket?: { remoteAddress?: string } };
}

/** Where a token request came from, as the brute-force limiter keys it. */
export interface RequestOrigin {
  /** The client address ({@link clientAddress}); `undefined` when the platform gave none. */
  address?: string;
}

/**
 * The address brute-force counters key on. Proxies are trusted only as the host app configured
 * (`req.ip`). IPv4-mapped IPv6 is read as IPv4, and IPv6 is cut to its /64: one subscriber
 * usually holds a whole /64, so counting single IPv6 addresses would let one attacker rotate
 * through 2^64 fresh counters.
 */
export function clientAddress(request: unknown): string | undefined {
  const req = (request ?? {}) as AddressedRequest;
  const raw =
    typeof req.ip === 'string'
      ? req.ip
      : (req.socket?.remoteAddress ?? req.raw?.socket?.remoteAddress);
  return raw === undefined ? undefined : normalizeAddress(raw);
}

/** `::ffff:1.2.3.4` → `1.2.3.4`; IPv6 → its /64 prefix (`2001:db8:0:1::/64`); else as given. */
export function normalizeAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  const bare = address.split('%')[0];
  if (!isIPv6(bare)) return address;
  const groups = expandIPv6(bare);
  return `${groups.slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address, lower-case hex without leading zeros. */
function expandIPv6(address: string): string[] {
  let text = address.toLowerCase();
  // An embedded IPv4 tail (::ffff:1.2.3.4, 64:ff9b::1.2.3.4) becomes two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const fill = tail === undefined ? [] : Array(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => parseInt(group, 16).toString(16));
}
