import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { INestMicroservice } from '@nestjs/common';
import type { NatsConnection } from '@nats-io/transport-node';
import type { DataSource } from 'typeorm';
import { connectBus, request } from '#bus';
import { DxError, REQUESTS, sha256Hex, signRequest, stringToSign, type RequestMap } from '#contracts';
import { RegistryRepository, RegistryService, SecretBox, seedRegistryIfEmpty } from '#registry';
import { createDataSource, RegistrySystemEntity, runMigrations } from '#store';
import { createTestDatabase, type TestDatabase } from '../support/db.js';
import { natsUrl } from '../support/nats.js';
import { failure } from '../support/failure.js';
import { startRegistry } from '../support/auth-hub.js';

// Request/reply subjects are served by a queue group shared by every process on the NATS server: run this
// file with --runInBand when other files serve registry subjects (bus.test.ts has a probe on resolve).
const masterKey = randomBytes(32).toString('hex');
const S = {
  resolve: REQUESTS.registryResolve.subject,
  list: REQUESTS.registryList.subject,
  verify: REQUESTS.registryAuthVerify.subject,
  import: REQUESTS.registryImport.subject,
  upsert: REQUESTS.registrySystemUpsert.subject,
  principal: REQUESTS.registryPrincipal.subject,
} as const;

const refusal = (p: Promise<unknown>): Promise<DxError> => failure(p, DxError);

describe('registry service over NATS', () => {
  let db: TestDatabase;
  let app: INestMicroservice;
  let nc: NatsConnection;
  let ds: DataSource;
  const call = <K extends keyof RequestMap>(
    subject: K,
    payload: RequestMap[K]['request'],
    timeoutMs = 10_000,
  ) => request(nc, subject, payload, timeoutMs);
  const agencyCount = async (): Promise<number> =>
    Number((await ds.query(`SELECT count(*)::int AS n FROM registry_agency`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase('registry');
    await runMigrations(db.url);
    nc = await connectBus(natsUrl(), 'registry-test-client');
    app = await startRegistry(nc, db.url, 'registry-test', masterKey);
    ds = createDataSource(db.url, 2);
    await ds.initialize();
  }, 60_000);

  afterAll(async () => {
    await nc?.drain().catch(() => undefined);
    await app?.close();
    await ds?.destroy().catch(() => undefined);
    await db?.drop();
  }, 30_000);

  it('imports CSV with quoted fields and resolves it, unknowns and deleted apart', async () => {
    const csv = [
      'organId,code2020,name,parentOrganId,axisOrganId,systemId,email',
      '000.00.00.G22,G22,Văn phòng Chính phủ,,,,',
      '000.00.00.H41,H41,"UBND tỉnh Nghệ An",,,,',
      '000.01.00.H41,H41.01,"Sở A, tỉnh ""Nghệ An"" (demo)",000.00.00.H41,000.00.00.H41,,a@example.org',
      '000.02.00.H41,,Sở B (demo),000.00.00.H41,000.00.00.H41,,',
    ].join('\r\n');
    const r = await call(S.import, { format: 'csv', content: csv });
    expect(r).toMatchObject({ created: 4, updated: 0 });
    expect(r.version).toBeGreaterThan(0);

    const res = await call(S.resolve, {
      organIds: ['000.01.00.H41', '000.00.00.G22', '000.99.00.H41', 'not-an-id', '000.00.00.G22'],
    });
    expect(res.agencies.map((a) => a.organId).sort()).toEqual(['000.00.00.G22', '000.01.00.H41']);
    expect(res.unknown).toEqual(['000.99.00.H41', 'not-an-id']);
    expect(res.agencies.find((a) => a.organId === '000.01.00.H41')).toEqual({
      organId: '000.01.00.H41',
      code2020: 'H41.01',
      name: 'Sở A, tỉnh "Nghệ An" (demo)',
      parentOrganId: '000.00.00.H41',
      axisOrganId: '000.00.00.H41',
      email: 'a@example.org',
      deleted: false,
      version: r.version,
    });

    // An empty cell clears a field; a column the file does not have keeps it.
    const cleared = await call(S.import, {
      format: 'csv',
      content: 'organId,name,email\n000.01.00.H41,"Sở A, tỉnh ""Nghệ An"" (demo)",\n',
    });
    expect(cleared).toMatchObject({ created: 0, updated: 1 });
    const [sa] = (await call(S.resolve, { organIds: ['000.01.00.H41'] })).agencies;
    expect(sa.email).toBeUndefined();
    expect(sa.code2020).toBe('H41.01');
    expect(sa.version).toBe(cleared.version);

    // A deleted agency is not a routable recipient.
    await call(S.import, {
      format: 'csv',
      content: 'organId,name,deleted\n000.02.00.H41,Sở B (demo),true\n',
    });
    const after = await call(S.resolve, { organIds: ['000.02.00.H41', '000.00.00.H41'] });
    expect(after.agencies.map((a) => a.organId)).toEqual(['000.00.00.H41']);
    expect(after.unknown).toEqual(['000.02.00.H41']);
  });

  it('stores roles and auth modes from a systems CSV and JSON, and answers them with the principal', async () => {
    const csv = [
      'systemId,name,secret,role,auth',
      'roles-archive,Lưu trữ (demo),archivist-secret-000001,archivist,mtls',
      'roles-qlvb,QLVB (demo),qlvb-secret-000000000001,,',
    ].join('\n');
    expect(await call(S.import, { format: 'csv', content: csv })).toMatchObject({ created: 0, updated: 0 });
    await call(S.import, {
      format: 'json',
      content: JSON.stringify({
        agencies: [{ organId: '000.00.00.H26', name: 'Demo', systemId: 'roles-qlvb' }],
      }),
    });
    expect(await call(S.principal, { systemId: 'roles-archive' })).toEqual({
      systemId: 'roles-archive',
      agencies: [],
      signaturePolicy: 'axis',
      role: 'archivist',
      auth: 'mtls',
    });
    expect(await call(S.principal, { systemId: 'roles-qlvb' })).toEqual({
      systemId: 'roles-qlvb',
      agencies: ['000.00.00.H26'],
      role: 'system',
      auth: 'any',
      signaturePolicy: 'axis',
    });

    // Re-importing a system without role/auth keeps them; giving one changes only that one.
    await call(S.import, {
      format: 'json',
      content: JSON.stringify({ systems: [{ systemId: 'roles-archive', name: 'Lưu trữ', auth: 'any' }] }),
    });
    expect(await call(S.principal, { systemId: 'roles-archive' })).toMatchObject({
      role: 'archivist',
      auth: 'any',
    });

    // An archivist acts for no agency: registering one under it refuses the whole import.
    const before = await agencyCount();
    const underArchivist = await refusal(
      call(S.import, {
        format: 'json',
        content: JSON.stringify({
          agencies: [
            { organId: '000.00.00.H27', name: 'Fine', systemId: 'roles-qlvb' },
            { organId: '000.00.00.H28', name: 'Not fine', systemId: 'roles-archive' },
          ],
        }),
      }),
    );
    expect(underArchivist.code).toBe('BAD_REQUEST');
    expect(underArchivist.message).toMatch(/agencies\[1\]: systemId roles-archive is an archivist/);
    expect(await agencyCount()).toBe(before);

    const badRole = await refusal(
      call(S.import, { format: 'csv', content: 'systemId,name,role\nroles-x,X,admin\n' }),
    );
    expect(badRole.message).toMatch(/line 2: role: role must be system or archivist, got "admin"/);
    expect((await refusal(call(S.principal, { systemId: 'nobody-here' }))).code).toBe('AUTH_UNKNOWN_SYSTEM');
  });

  it('imports JSON with systems, and verifies signatures of a system against its agencies', async () => {
    const secret = 'json-imported-secret-0001';
    const doc = {
      systems: [{ systemId: 'caobang-qlvb', name: 'QLVB Cao Bằng (demo)', secret }],
      agencies: [
        { organId: '000.00.00.H14', name: 'UBND tỉnh Cao Bằng', systemId: 'caobang-qlvb' },
        { organId: '000.01.00.H14', name: 'Đơn vị demo Cao Bằng', systemId: 'caobang-qlvb', deleted: true },
      ],
    };
    expect(await call(S.import, { format: 'json', content: JSON.stringify(doc) })).toMatchObject({
      created: 2,
      updated: 0,
    });
    const sts = stringToSign({
      method: 'POST',
      path: '/sendEdoc',
      timestamp: 1732300000,
      nonce: 'registry-test-nonce-1',
      bodySha256: sha256Hex('x'),
    });
    const ok = await call(S.verify, {
      systemId: 'caobang-qlvb',
      stringToSign: sts,
      signature: signRequest(secret, {
        method: 'POST',
        path: '/sendEdoc',
        timestamp: 1732300000,
        nonce: 'registry-test-nonce-1',
        bodySha256: sha256Hex('x'),
      }),
    });
    expect(ok).toEqual({
      systemId: 'caobang-qlvb',
      agencies: ['000.00.00.H14'],
      role: 'system',
      auth: 'any',
      signaturePolicy: 'axis',
    });

    // Re-importing the system without a secret keeps the stored one.
    const rename = { systems: [{ systemId: 'caobang-qlvb', name: 'QLVB Cao Bằng v2' }] };
    await call(S.import, { format: 'json', content: JSON.stringify(rename) });
    const again = await call(S.verify, {
      systemId: 'caobang-qlvb',
      stringToSign: sts,
      signature: signRequest(secret, {
        method: 'POST',
        path: '/sendEdoc',
        timestamp: 1732300000,
        nonce: 'registry-test-nonce-1',
        bodySha256: sha256Hex('x'),
      }),
    });
    expect(again.systemId).toBe('caobang-qlvb');
    const [row] = await ds.query(`SELECT name FROM registry_system WHERE system_id = 'caobang-qlvb'`);
    expect(row.name).toBe('QLVB Cao Bằng v2');
  });

  it('upserts a system, stores its secret sealed, and verifies good, bad and unknown-system signatures', async () => {
    const created = await call(S.upsert, { systemId: 'nghean-qlvb', name: 'QLVB Nghệ An (demo)' });
    expect(created.systemId).toBe('nghean-qlvb');
    expect(Buffer.from(created.secret, 'base64url')).toHaveLength(32);
    await call(S.import, {
      format: 'csv',
      content: 'organId,name,parentOrganId,systemId\n000.01.00.H41,Sở A (demo),000.00.00.H41,nghean-qlvb\n',
    });

    const stored = await ds.getRepository(RegistrySystemEntity).findOneByOrFail({ systemId: 'nghean-qlvb' });
    expect(stored.secretEnc).not.toContain(created.secret);
    expect(stored.secretEnc).toMatch(/^v1:/);
    expect(new SecretBox(masterKey).open(stored.secretEnc, 'nghean-qlvb')).toBe(created.secret);

    const parts = {
      method: 'POST',
      path: '/sendEdoc',
      timestamp: Math.floor(Date.now() / 1000),
      nonce: 'registry-test-nonce-2',
      bodySha256: sha256Hex('<edXML/>'),
    };
    const sts = stringToSign(parts);
    expect(
      await call(S.verify, {
        systemId: 'nghean-qlvb',
        stringToSign: sts,
        signature: signRequest(created.secret, parts),
      }),
    ).toEqual({
      systemId: 'nghean-qlvb',
      agencies: ['000.01.00.H41'],
      role: 'system',
      auth: 'any',
      signaturePolicy: 'axis',
    });

    const wrongSecret = signRequest(created.secret + 'x', parts);
    expect(
      (await refusal(call(S.verify, { systemId: 'nghean-qlvb', stringToSign: sts, signature: wrongSecret })))
        .code,
    ).toBe('AUTH_BAD_SIGNATURE');
    const tampered = stringToSign({ ...parts, path: '/getEdoc' });
    expect(
      (
        await refusal(
          call(S.verify, {
            systemId: 'nghean-qlvb',
            stringToSign: tampered,
            signature: signRequest(created.secret, parts),
          }),
        )
      ).code,
    ).toBe('AUTH_BAD_SIGNATURE');
    expect(
      (
        await refusal(
          call(S.verify, {
            systemId: 'no-such-system',
            stringToSign: sts,
            signature: signRequest(created.secret, parts),
          }),
        )
      ).code,
    ).toBe('AUTH_UNKNOWN_SYSTEM');

    // Upserting again rotates the secret: the old one stops working.
    const chosen = 'operator-chosen-secret-123456';
    expect(await call(S.upsert, { systemId: 'nghean-qlvb', name: 'QLVB Nghệ An', secret: chosen })).toEqual({
      systemId: 'nghean-qlvb',
      secret: chosen,
    });
    expect(
      (
        await refusal(
          call(S.verify, {
            systemId: 'nghean-qlvb',
            stringToSign: sts,
            signature: signRequest(created.secret, parts),
          }),
        )
      ).code,
    ).toBe('AUTH_BAD_SIGNATURE');
    expect(
      (
        await call(S.verify, {
          systemId: 'nghean-qlvb',
          stringToSign: sts,
          signature: signRequest(chosen, parts),
        })
      ).systemId,
    ).toBe('nghean-qlvb');
  });

  it('lists with keyset pagination and syncs incrementally by version', async () => {
    const all: string[] = [];
    let after: string | undefined;
    let version = -1;
    for (let page = 0; page < 100; page++) {
      const r = await call(S.list, { limit: 2, ...(after ? { after } : {}) });
      expect(r.agencies.length).toBeLessThanOrEqual(2);
      all.push(...r.agencies.map((a) => a.organId));
      version = r.version;
      if (!r.next) break;
      expect(r.next).toBe(r.agencies[r.agencies.length - 1].organId);
      after = r.next;
    }
    const [{ n, max }] = await ds.query(
      `SELECT count(*)::int AS n, max(version)::int AS max FROM registry_agency`,
    );
    expect(all).toHaveLength(n);
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(n);
    expect(all).toContain('000.02.00.H41'); // deleted rows are listed: a sync must learn about deletions
    expect(version).toBe(max);

    // One change bumps the version; listing since the previous version returns only that row.
    const change = await call(S.import, {
      format: 'csv',
      content: 'organId,name,email\n000.00.00.G22,Văn phòng Chính phủ,vpcp@example.org\n',
    });
    expect(change).toMatchObject({ created: 0, updated: 1 });
    expect(change.version).toBeGreaterThan(version);
    const since = await call(S.list, { sinceVersion: version });
    expect(since.agencies.map((a) => [a.organId, a.email, a.version])).toEqual([
      ['000.00.00.G22', 'vpcp@example.org', change.version],
    ]);
    expect(since.version).toBe(change.version);
    expect(since.agencies[0].code2020).toBe('G22');
    expect(since.next).toBeUndefined();

    // Importing the same data again changes nothing and bumps nothing.
    const same = await call(S.import, {
      format: 'csv',
      content: 'organId,name,email\n000.00.00.G22,Văn phòng Chính phủ,vpcp@example.org\n',
    });
    expect(same).toEqual({ created: 0, updated: 0, version: change.version });
    expect((await call(S.list, { sinceVersion: change.version })).agencies).toEqual([]);

    const bySystem = await call(S.list, { systemId: 'caobang-qlvb' });
    expect(bySystem.agencies.map((a) => a.organId)).toEqual(['000.00.00.H14', '000.01.00.H14']);
  });

  it('refuses an invalid import as a whole and stores nothing of it', async () => {
    const before = await agencyCount();
    const [{ v: versionBefore }] = await ds.query(`SELECT max(version)::int AS v FROM registry_agency`);

    const badRow = [
      'organId,code2020,name,parentOrganId,axisOrganId,systemId,email',
      '000.05.00.H41,,Valid row (demo),000.00.00.H41,,,',
      '000.06.00.H41,,Also valid (demo),000.00.00.H41,,,',
      '000.07.00.H41,,,000.00.00.H41,,,',
    ].join('\n');
    const e1 = await refusal(call(S.import, { format: 'csv', content: badRow }));
    expect(e1.code).toBe('BAD_REQUEST');
    expect(e1.message).toMatch(/^line 4: name: /);

    // Refused inside the transaction, after the systems were written: rolled back too.
    const orphan = {
      systems: [{ systemId: 'rolled-back', name: 'Should not stay', secret: 'rolled-back-secret-1234' }],
      agencies: [
        { organId: '000.05.00.H41', name: 'Valid (demo)' },
        { organId: '000.06.00.H41', name: 'Orphan (demo)', systemId: 'no-such-system' },
      ],
    };
    const e2 = await refusal(call(S.import, { format: 'json', content: JSON.stringify(orphan) }));
    expect(e2.code).toBe('BAD_REQUEST');
    expect(e2.message).toBe('agencies[1]: systemId no-such-system is not a registered system');

    const clash = 'organId,code2020,name\n000.05.00.H41,G22,Takes the code of VPCP (demo)\n';
    const e3 = await refusal(call(S.import, { format: 'csv', content: clash }));
    expect(e3.message).toBe('line 2: code2020 G22 already belongs to 000.00.00.G22');

    const noSecret = { systems: [{ systemId: 'brand-new', name: 'New' }] };
    const e4 = await refusal(call(S.import, { format: 'json', content: JSON.stringify(noSecret) }));
    expect(e4.message).toBe('systems[0]: secret is required for a new system');

    expect(await agencyCount()).toBe(before);
    expect((await call(S.resolve, { organIds: ['000.05.00.H41', '000.06.00.H41'] })).agencies).toEqual([]);
    expect(
      await ds.query(`SELECT 1 FROM registry_system WHERE system_id IN ('rolled-back', 'brand-new')`),
    ).toEqual([]);
    const [{ v: versionAfter }] = await ds.query(`SELECT max(version)::int AS v FROM registry_agency`);
    expect(versionAfter).toBe(versionBefore);
  });

  it('validates request payloads (BAD_REQUEST naming the field)', async () => {
    const e1 = await refusal(call(S.resolve, { organIds: 'x' } as never));
    expect([e1.code, e1.message]).toEqual(['BAD_REQUEST', expect.stringMatching(/organIds: /)]);
    expect((await refusal(call(S.list, { limit: 0 }))).message).toMatch(/limit: /);
    expect((await refusal(call(S.list, { sinceVersion: 1, extra: true } as never))).message).toMatch(
      /extra: /,
    );
    expect((await refusal(call(S.upsert, { systemId: 'has space', name: 'x' }))).message).toMatch(
      /systemId: /,
    );
    expect((await refusal(call(S.import, { format: 'xml', content: '' } as never))).message).toMatch(
      /format: /,
    );
    expect((await refusal(call(S.verify, { systemId: 'x', stringToSign: '' } as never))).message).toMatch(
      /stringToSign: .*signature: |signature: .*stringToSign: /,
    );
  });

  it('imports 20,000 agencies and resolves 5,000 of them in one call', async () => {
    const id = (i: number) =>
      `${String(i % 1000).padStart(3, '0')}.${String(Math.floor(i / 1000)).padStart(2, '0')}.00.T99`;
    const lines = ['organId,name'];
    for (let i = 0; i < 20_000; i++) lines.push(`${id(i)},Perf ${i}`);
    const before = await agencyCount();
    const r = await call(S.import, { format: 'csv', content: lines.join('\n') }, 120_000);
    expect(r).toMatchObject({ created: 20_000, updated: 0 });
    expect(await agencyCount()).toBe(before + 20_000);

    const wanted = Array.from({ length: 5000 }, (_, k) => id((k * 7919) % 20_000));
    const missing = ['123.45.00.T98', '999.99.99.T99'];
    const res = await call(S.resolve, { organIds: [...wanted, ...missing] }, 60_000);
    expect(res.agencies).toHaveLength(5000);
    expect(new Set(res.agencies.map((a) => a.organId))).toEqual(new Set(wanted));
    expect(res.agencies.every((a) => a.version === r.version && /^Perf \d+$/.test(a.name))).toBe(true);
    expect(res.unknown).toEqual(missing);

    let listed = 0;
    let after: string | undefined;
    do {
      const page = await call(S.list, { limit: 5000, ...(after ? { after } : {}) }, 60_000);
      listed += page.agencies.length;
      after = page.next;
    } while (after);
    expect(listed).toBe(before + 20_000);
  }, 180_000);
});

describe('seed file', () => {
  let db: TestDatabase;
  let ds: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase('registry_seed');
    await runMigrations(db.url);
    ds = createDataSource(db.url, 2);
    await ds.initialize();
  }, 60_000);

  afterAll(async () => {
    await ds?.destroy().catch(() => undefined);
    await db?.drop();
  });

  it('loads deploy/registry/seed.json into an empty registry, once', async () => {
    const service = new RegistryService(
      new RegistryRepository(ds, ds.getRepository(RegistrySystemEntity)),
      new SecretBox(masterKey),
    );
    const file = fileURLToPath(new URL('../../deploy/registry/seed.json', import.meta.url));
    const first = await seedRegistryIfEmpty(service, file);
    expect(first?.created).toBeGreaterThan(0);
    expect(first?.updated).toBe(0);
    const res = await service.resolve(['000.00.00.G22', '000.00.00.H41', '000.00.00.H14', '000.00.01.H41']);
    expect(res.unknown).toEqual([]);
    expect(res.agencies.find((a) => a.organId === '000.00.00.G22')?.name).toBe('Văn phòng Chính phủ');
    expect(await seedRegistryIfEmpty(service, file)).toBeNull();
  });
});
