// The send endpoint's address classes for IPv6 forms that carry an IPv4 address: each is judged by the
// IPv4 address inside, so loopback, private and metadata addresses cannot hide in a translator or tunnel
// prefix, and public ones stay public. Pure: no socket, no DNS.
import { describe, expect, it } from 'vitest';
import { classifyAddress } from '../../../server/send/address-policy';

/** [form, address, the IPv4 address it carries, its class] */
const EMBEDDED: [string, string, string, string][] = [
  ['IPv4-mapped', '::ffff:127.0.0.1', '127.0.0.1', 'loopback'],
  ['IPv4-mapped in hex', '::ffff:7f00:1', '127.0.0.1', 'loopback'],
  ['IPv4-mapped', '::ffff:192.168.1.10', '192.168.1.10', 'private'],
  ['IPv4-mapped', '::ffff:8.8.8.8', '8.8.8.8', 'public'],
  ['IPv4-compatible', '::127.0.0.2', '127.0.0.2', 'loopback'],
  ['IPv4-compatible in hex', '::a00:1', '10.0.0.1', 'private'],
  ['IPv4-translated (SIIT)', '::ffff:0:127.0.0.1', '127.0.0.1', 'loopback'],
  ['IPv4-translated (SIIT)', '::ffff:0:a9fe:a9fe', '169.254.169.254', 'link-local'],
  ['NAT64 well-known prefix', '64:ff9b::127.0.0.1', '127.0.0.1', 'loopback'],
  ['NAT64 well-known prefix in hex', '64:ff9b::7f00:1', '127.0.0.1', 'loopback'],
  ['NAT64 well-known prefix', '64:ff9b::a9fe:a9fe', '169.254.169.254', 'link-local'],
  ['NAT64 well-known prefix', '64:ff9b::ac10:1', '172.16.0.1', 'private'],
  ['NAT64 well-known prefix', '64:ff9b::6440:1', '100.64.0.1', 'carrier-nat'],
  ['NAT64 well-known prefix', '64:ff9b::808:808', '8.8.8.8', 'public'],
  ['NAT64 local-use, /96 layout', '64:ff9b:1::7f00:1', '127.0.0.1', 'loopback'],
  ['NAT64 local-use, /96 layout', '64:ff9b:1::c0a8:101', '192.168.1.1', 'private'],
  ['NAT64 local-use, /48 layout', '64:ff9b:1:7f00:1:100::', '127.0.0.1', 'loopback'],
  ['NAT64 local-use, /48 layout', '64:ff9b:1:a9fe:a9:fe00::', '169.254.169.254', 'link-local'],
  ['NAT64 local-use, /48 layout', '64:ff9b:1:a00:1:100::', '10.0.0.1', 'private'],
  // Not globally reachable whatever it carries (RFC 8215 §3).
  ['NAT64 local-use, public inside', '64:ff9b:1::808:808', '8.8.8.8', 'reserved'],
  ['6to4', '2002:7f00:1::', '127.0.0.1', 'loopback'],
  ['6to4 with a host part', '2002:7f00:1:1::42', '127.0.0.1', 'loopback'],
  ['6to4', '2002:c0a8:101::1', '192.168.1.1', 'private'],
  ['6to4', '2002:a9fe:a9fe::', '169.254.169.254', 'link-local'],
  ['6to4', '2002:0:0::1', '0.0.0.0', 'unspecified'],
  ['6to4', '2002:808:808::1', '8.8.8.8', 'public'],
  ['Teredo (client address bits flipped)', '2001:0:4136:e378:8000:63bf:80ff:fffe', '127.0.0.1', 'loopback'],
  ['Teredo (client address bits flipped)', '2001:0:4136:e378:8000:63bf:f5ff:fffe', '10.0.0.1', 'private'],
  ['Teredo (client address bits flipped)', '2001:0:4136:e378:8000:63bf:f7f7:f7f7', '8.8.8.8', 'public'],
];

describe('IPv6 addresses that carry an IPv4 address are classed by that address', () => {
  it.each(EMBEDDED)('%s %s (carrying %s) is %s', (_form, address, _ipv4, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });

  it.each(EMBEDDED)('%s %s is classed as its IPv4 address %s is (bracketed too)', (_form, address, ipv4, kind) => {
    if (kind === 'reserved') return expect(classifyAddress(ipv4)).toBe('public');
    expect(classifyAddress(ipv4)).toBe(kind);
    expect(classifyAddress(`[${address}]`)).toBe(kind);
  });
});

/** Plain IPv6 ranges next to the translator prefixes, which must not be mistaken for them. */
const NEIGHBOURS: [string, string][] = [
  ['64:ff9b:2::7f00:1', 'public'],
  ['64:ff9a::7f00:1', 'public'],
  ['2003:7f00:1::', 'public'],
  ['2001:db8::7f00:1', 'documentation'],
  ['::1', 'loopback'],
  ['::', 'unspecified'],
  ['fd00::7f00:1', 'unique-local'],
];

describe('neighbouring IPv6 ranges keep their own class', () => {
  it.each(NEIGHBOURS)('%s is %s', (address, kind) => {
    expect(classifyAddress(address)).toBe(kind);
  });
});
