/**
 * nats-server configuration for the NATS connector driver (deploy/topology/nats/ shows the result): appended to
 * each axis's generated config (renderNatsConfig's configExtra; later keys override earlier ones).
 *
 * The national server puts its own services in account NATIONAL (each with its own least-privilege user, from
 * the users list the config includes) and gives each province an account of its own, reached only by that province's leafnode user.
 * NATIONAL exports the service `dx.axis.<code>.>` to that account alone: a province can call the national
 * axis's link as itself and nothing else (not another province's calls, not the registry or the streams), and
 * the national responder learns the caller from the subject. The province's server keeps everything local except
 * what its connector asks over the remote.
 */

const quote = (s: string): string => JSON.stringify(s);

export interface LeafProvince {
  /** Axis code, e.g. H41. */
  code: string;
  password: string;
}

/** The province's leafnode user at the national server. */
export const leafUser = (code: string): string => `axis-${code.toLowerCase()}`;

export function nationalLeafConfig(opts: {
  storeDir: string;
  leafPort: number;
  provinces: LeafProvince[];
  /**
   * host:port this server tells the provinces to reconnect to. A leafnode adds the address it is told to its
   * remote's URLs (no_advertise alone does not stop that in nats-server 2.9), so a province would reconnect
   * around a relay in front of the listener. Give the relay's or load balancer's address; on loopback with one
   * relay per province, an address nothing listens on.
   */
  advertise: string;
  /**
   * File (beside the config) with the `users: [...]` list of NATIONAL (see nats.users.ts). Without it NATIONAL
   * has one user without password that is also the default (`no_auth_user`), as in deploy/topology/nats/.
   */
  usersInclude?: string;
}): string {
  const exports = opts.provinces.map(
    (p) => `      { service: ${quote(`dx.axis.${p.code}.>`)}, accounts: [${quote(p.code)}] }`,
  );
  const accounts = opts.provinces.map((p) =>
    [
      `  ${p.code}: {`,
      `    users: [ { user: ${quote(leafUser(p.code))}, password: ${quote(p.password)} } ]`,
      `    imports: [ { service: { account: "NATIONAL", subject: ${quote(`dx.axis.${p.code}.>`)} } } ]`,
      '  }',
    ].join('\n'),
  );
  return [
    '# NATS connector driver: the national axis (see deploy/topology/nats/national.conf).',
    `jetstream { store_dir: ${quote(opts.storeDir)}, domain: "national" }`,
    'accounts {',
    '  NATIONAL: {',
    '    jetstream: enabled',
    opts.usersInclude ? `    include ${quote(opts.usersInclude)}` : '    users: [ { user: "national" } ]',
    '    exports: [',
    ...exports,
    '    ]',
    '  }',
    ...accounts,
    '}',
    ...(opts.usersInclude ? [] : ['no_auth_user: "national"']),
    // A province reconnects only through the URL it was given (and the advertised one), never straight here.
    `leafnodes { listen: ${quote(`127.0.0.1:${opts.leafPort}`)}, no_advertise: true, advertise: ${quote(opts.advertise)} }`,
  ].join('\n');
}

/** What never crosses the link, even if the national side allowed it: an axis's own services and streams. */
const LOCAL_ONLY = ['dx.registry.>', 'dx.pkg.>', 'dx.evt.>', 'dx.dlq.>', 'dx.out.>'];

export function provinceLeafConfig(opts: {
  storeDir: string;
  code: string;
  password: string;
  /** host:port of the national leafnode listener (or of a relay in front of it). */
  national: string;
}): string {
  const url = `nats-leaf://${leafUser(opts.code)}:${encodeURIComponent(opts.password)}@${opts.national}`;
  const local = `[${LOCAL_ONLY.map(quote).join(', ')}]`;
  return [
    `# NATS connector driver: the provincial axis ${opts.code} (see deploy/topology/nats/province-*.conf).`,
    `jetstream { store_dir: ${quote(opts.storeDir)}, domain: ${quote(opts.code.toLowerCase())} }`,
    'leafnodes {',
    '  reconnect: 1',
    `  remotes: [ { url: ${quote(url)}, deny_imports: ${local}, deny_exports: ${local} } ]`,
    '}',
  ].join('\n');
}
