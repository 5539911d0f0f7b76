// Which IP addresses the send endpoint may dial. Anything that reaches this machine, the local
// network, or a cloud metadata service is refused (SSRF), whatever spelling the learner used: the
// check runs on the address actually dialled, after DNS. Ranges from the IANA special-purpose
// registries (RFC 6890 and updates).
import { isIP } from 'node:net';

export type AddressKind =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'carrier-nat'
  | 'reserved'
  | 'benchmarking'
  | 'documentation'
  | 'unique-local'
  | 'public';

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

const V4_RANGES: [string, number, AddressKind][] = [
  ['0.0.0.0', 8, 'unspecified'],
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'carrier-nat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'],
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'],
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved'],
];

export function classifyIPv4(ip: string): AddressKind {
  const value = ipv4ToInt(ip);
  for (const [base, bits, kind] of V4_RANGES) {
    const size = 2 ** (32 - bits);
    const start = ipv4ToInt(base);
    if (value >= start && value < start + size) return kind;
  }
  return 'public';
}

/** Expands an IPv6 address to 8 groups of 16 bits (handles :: and an embedded IPv4 tail). */
export function expandIPv6(ip: string): number[] {
  let text = ip.toLowerCase().replace(/^\[|\]$/g, '').split('%')[0]!;
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const n = ipv4ToInt(v4[1]!);
    text = `${text.slice(0, -v4[1]!.length)}${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...(tail !== undefined ? Array(Math.max(0, missing)).fill('0') : []), ...tailGroups];
  return groups.map((g) => parseInt(g, 16) || 0);
}

/** The IPv4 address in two 16-bit groups. */
function v4Of(high: number, low: number): string {
  return `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * The IPv4 address an IPv6 address carries, when it is a form that reaches that IPv4 host (a translator,
 * a tunnel or the dual-stack socket API would deliver the packet there), or undefined. Each form is judged
 * by what it carries, so a loopback or private address cannot hide inside one:
 * - IPv4-mapped ::ffff:a.b.c.d (RFC 4291 §2.5.5.2) and IPv4-compatible ::a.b.c.d (§2.5.5.1, deprecated),
 * - IPv4-translated ::ffff:0:a.b.c.d (RFC 2765 §2.1),
 * - NAT64 well-known prefix 64:ff9b::/96 (RFC 6052 §2.1),
 * - 6to4 2002:AABB:CCDD::/16 (RFC 3056 §2),
 * - Teredo 2001:0::/32, whose last 32 bits are the client's IPv4 address with every bit flipped (RFC 4380 §4).
 */
function embeddedIPv4(g: readonly number[]): string | undefined {
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && (g[5] === 0xffff || g[5] === 0)) return v4Of(g[6]!, g[7]!);
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4Of(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Of(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4Of(g[1]!, g[2]!);
  if (g[0] === 0x2001 && g[1] === 0) return v4Of(g[6]! ^ 0xffff, g[7]! ^ 0xffff);
  return undefined;
}

/**
 * The IPv4 addresses a local-use NAT64 address (64:ff9b:1::/48, RFC 8215) may carry. The operator picks
 * the prefix length inside the /48, so both layouts of RFC 6052 §2.2 that fit are read: a /48 prefix
 * (the IPv4 address in bits 48–63 and 72–87, around the reserved octet u) and a /96 prefix (the last 32 bits).
 */
function localNat64IPv4(g: readonly number[]): string[] | undefined {
  if (!(g[0] === 0x64 && g[1] === 0xff9b && g[2] === 1)) return undefined;
  // A layout whose IPv4 bits are all zero is not the one in use (it would carry 0.0.0.0).
  const carried: string[] = [];
  if (g[3] !== 0 || g[4] !== 0 || g[5] !== 0) carried.push(`${g[3]! >> 8}.${g[3]! & 255}.${g[4]! & 255}.${g[5]! >> 8}`);
  if (g[6] !== 0 || g[7] !== 0) carried.push(v4Of(g[6]!, g[7]!));
  return carried.length > 0 ? carried : ['0.0.0.0'];
}

export function classifyIPv6(ip: string): AddressKind {
  const g = expandIPv6(ip);
  if (g.every((x) => x === 0)) return 'unspecified';
  if (g.slice(0, 7).every((x) => x === 0) && g[7] === 1) return 'loopback';
  const embedded = embeddedIPv4(g);
  if (embedded !== undefined) return classifyIPv4(embedded);
  const local = localNat64IPv4(g);
  if (local !== undefined) {
    // Whatever it carries, the local-use prefix is not globally reachable (RFC 8215 §3): never public.
    return local.map(classifyIPv4).find((kind) => kind !== 'public') ?? 'reserved';
  }
  if ((g[0]! & 0xfe00) === 0xfc00) return 'unique-local';
  if ((g[0]! & 0xffc0) === 0xfe80) return 'link-local';
  if ((g[0]! & 0xffc0) === 0xfec0) return 'private';
  if ((g[0]! & 0xff00) === 0xff00) return 'multicast';
  if (g[0] === 0x2001 && g[1] === 0x0db8) return 'documentation';
  if (g[0] === 0x100 && g.slice(1, 4).every((x) => x === 0)) return 'reserved';
  return 'public';
}

export function classifyAddress(ip: string): AddressKind {
  const family = isIP(ip.replace(/^\[|\]$/g, ''));
  if (family === 4) return classifyIPv4(ip);
  if (family === 6) return classifyIPv6(ip);
  throw new Error(`not an IP address: ${ip}`);
}

const PLAIN_WORDS: Record<AddressKind, string> = {
  loopback: 'a loopback address (this machine itself)',
  private: 'a private network address',
  'link-local': 'a link-local address (used by cloud metadata services)',
  unspecified: 'the unspecified address (it means "this machine")',
  multicast: 'a multicast address',
  'carrier-nat': 'a carrier-grade NAT address',
  reserved: 'a reserved address',
  benchmarking: 'an address reserved for benchmarking',
  documentation: 'an address reserved for documentation',
  'unique-local': 'a unique-local (private) IPv6 address',
  public: 'a public address',
};

export function describeKind(kind: AddressKind): string {
  return PLAIN_WORDS[kind];
}
