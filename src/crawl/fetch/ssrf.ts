// Refuses requests to addresses inside the host's own networks (loopback, private, link-local, CGNAT,
// cloud metadata, unique-local IPv6) unless an allow-list names the host or a CIDR containing it.
import dns from 'node:dns';
import net from 'node:net';
import { FetchError } from './errors.ts';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (host: string) => Promise<ResolvedAddress[]>;

export interface SsrfOptions {
  /** CIDRs ("127.0.0.1/32", "10.0.0.0/8"), IP literals or host names ("intranet.example", "*.corp.example"). */
  allow?: readonly string[];
  /** Replaces DNS resolution (tests use it to simulate a name that resolves to a private address). */
  resolve?: Resolver;
}

const BLOCKED_V4 = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const;

const BLOCKED_V6 = [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
  ['2001:db8::', 32],
  ['100::', 64],
] as const;

function buildBlockList(): net.BlockList {
  const list = new net.BlockList();
  for (const [a, p] of BLOCKED_V4) list.addSubnet(a, p, 'ipv4');
  for (const [a, p] of BLOCKED_V6) list.addSubnet(a, p, 'ipv6');
  return list;
}

/** The IPv4 address embedded in an IPv4-mapped / NAT64 / 6to4-compatible IPv6 address, if any. */
function embeddedV4(v6: string): string | undefined {
  const m = /^(?:::ffff:|::ffff:0:|64:ff9b::|::)(\d+\.\d+\.\d+\.\d+)$/i.exec(v6);
  if (m) return m[1];
  const hex = /^(?:::ffff:|64:ff9b::)([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(v6);
  if (hex) {
    const hi = parseInt(hex[1], 16);
    const lo = parseInt(hex[2], 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

export class SsrfGuard {
  private readonly blocked = buildBlockList();
  private readonly allowedNets = new net.BlockList();
  private readonly allowedHosts: string[] = [];
  private readonly resolver: Resolver;

  constructor(options: SsrfOptions = {}) {
    for (const entry of options.allow ?? []) {
      const e = entry.trim().toLowerCase();
      if (!e) continue;
      const [addr, bits] = e.split('/');
      const family = net.isIP(addr.replace(/^\[|\]$/g, ''));
      if (family) {
        const a = addr.replace(/^\[|\]$/g, '');
        const type = family === 4 ? 'ipv4' : 'ipv6';
        if (bits !== undefined) this.allowedNets.addSubnet(a, Number(bits), type);
        else this.allowedNets.addAddress(a, type);
      } else {
        this.allowedHosts.push(e);
      }
    }
    this.resolver = options.resolve ?? defaultResolver;
  }

  /** True when the address is internal and not allowed. */
  isBlockedAddress(address: string): boolean {
    const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
    const family = net.isIP(a);
    if (!family) return true;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (this.allowedNets.check(a, type)) return false;
    if (family === 6) {
      const v4 = embeddedV4(a);
      if (v4) return this.isBlockedAddress(v4);
    }
    return this.blocked.check(a, type);
  }

  isAllowedHost(host: string): boolean {
    const h = host.toLowerCase().replace(/\.$/, '');
    return this.allowedHosts.some((p) =>
      p.startsWith('*.') ? h.endsWith(p.slice(1)) : p.startsWith('.') ? h.endsWith(p) : h === p,
    );
  }

  /** Resolves the URL's host and throws SSRF_BLOCKED (or DNS) when it must not be fetched. */
  async assertAllowed(url: URL): Promise<ResolvedAddress[]> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (this.isAllowedHost(host)) return [];
    let addresses: ResolvedAddress[];
    const family = net.isIP(host);
    if (family) addresses = [{ address: host, family: family as 4 | 6 }];
    else {
      try {
        addresses = await this.resolver(host);
      } catch (err) {
        throw new FetchError(
          'DNS',
          `DNS lookup failed for ${host}: ${(err as { code?: string }).code ?? (err as Error).message}`,
          { url: url.href },
          { cause: err },
        );
      }
      if (!addresses.length) throw new FetchError('DNS', `no addresses for ${host}`, { url: url.href });
    }
    const bad = addresses.find((a) => this.isBlockedAddress(a.address));
    if (bad)
      throw new FetchError('SSRF_BLOCKED', `refusing ${host}: resolves to internal address ${bad.address}`, {
        url: url.href,
      });
    return addresses;
  }

  /**
   * A `lookup` for socket connections that re-checks every address at connect time, so a name that
   * changes its answer between the check and the connection (DNS rebinding) is still refused.
   */
  readonly connectLookup = (
    hostname: string,
    options: dns.LookupOptions,
    callback: (...args: any[]) => void,
  ): void => {
    const allowedHost = this.isAllowedHost(hostname);
    this.resolver(hostname).then(
      (all) => {
        const ok = allowedHost ? all : all.filter((a) => !this.isBlockedAddress(a.address));
        if (!ok.length) {
          const err = Object.assign(new Error(`refusing ${hostname}: resolves to an internal address`), {
            code: 'ESSRFBLOCKED',
          });
          callback(err);
          return;
        }
        const wanted =
          options.family === 4 || options.family === 6 ? ok.filter((a) => a.family === options.family) : ok;
        const list = wanted.length ? wanted : ok;
        if (options.all) callback(null, list);
        else callback(null, list[0].address, list[0].family);
      },
      (err) => callback(err),
    );
  };
}

const defaultResolver: Resolver = async (host) => {
  const all = await dns.promises.lookup(host, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};
