import { describe, it, expect } from '@jest/globals';
import { leafUser, nationalLeafConfig, provinceLeafConfig } from './leafnode.config.js';

describe('leafnode configuration of the NATS driver', () => {
  it('binds each province to an account that imports only its own axis link', () => {
    const conf = nationalLeafConfig({
      storeDir: '/s',
      leafPort: 7422,
      advertise: '127.0.0.1:9',
      provinces: [
        { code: 'H41', password: 'p41' },
        { code: 'H14', password: 'p14' },
      ],
      usersInclude: 'nats-users.conf',
    });
    expect(conf).toContain('{ service: "dx.axis.H41.>", accounts: ["H41"] }');
    expect(conf).toContain('imports: [ { service: { account: "NATIONAL", subject: "dx.axis.H14.>" } } ]');
    expect(conf).toContain(`user: "${leafUser('H41')}", password: "p41"`);
    // The axis's own services have users of their own in NATIONAL: nobody connects anonymously.
    expect(conf).toContain('include "nats-users.conf"');
    expect(conf).not.toContain('no_auth_user');
    expect(conf).toContain('advertise: "127.0.0.1:9"');
    expect(conf).toContain('domain: "national"');
  });

  it('links a province through the given address, keeping its own subjects local', () => {
    const conf = provinceLeafConfig({
      storeDir: '/s',
      code: 'H41',
      password: 'a/b',
      national: '127.0.0.1:5',
    });
    expect(conf).toContain('"nats-leaf://axis-h41:a%2Fb@127.0.0.1:5"');
    expect(conf).toContain('domain: "h41"');
    expect(conf).toMatch(/deny_imports: \[[^\]]*"dx\.registry\.>"/);
    expect(conf).toMatch(/deny_exports: \[[^\]]*"dx\.out\.>"/);
  });
});
