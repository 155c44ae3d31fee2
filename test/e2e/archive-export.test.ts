// End to end: a document sent through a local hub started by the CLI is exported with its proof, the hub is
// stopped, and `docaxis verify-export` checks the file offline (no NATS, no Postgres); one changed byte fails.
import { describe, it, expect, beforeAll, afterAll } from '@jest/globals';
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { DocaxisClient } from '#sdk-client';
import { buildDemoDocument, isAlive, readHubState, type HubState } from '#local-hub';
import type { ExportBundle } from '#archive';
import { waitFor } from '../support/wait.js';

const run = promisify(execFile);
const cli = resolve('bin/docaxis.js');

describe('archive export, verified offline', () => {
  let stateDir: string;
  let hub: HubState;
  const {
    NATS_URL: _n,
    DATABASE_URL: _d,
    DOCAXIS_GATEWAY_PORT: _p,
    DOCAXIS_GATEWAY_URL: _g,
    ...base
  } = process.env;
  // Checkpoints every second, so the export does not wait minutes for one.
  const env = { ...base, DOCAXIS_ARCHIVE_CHECKPOINT_SECONDS: '1' };
  const docaxis = async (...args: string[]) =>
    run(process.execPath, [cli, '--state-dir', stateDir, ...args], { env, timeout: 240_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code?: number; stdout?: string; stderr?: string }) => ({
        code: e.code ?? -1,
        stdout: e.stdout ?? '',
        stderr: e.stderr ?? '',
      }),
    );

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'docaxis-export-e2e-'));
    chmodSync(stateDir, 0o755); // Postgres runs as its own user when we are root
    const up = await docaxis('up', '--no-demo');
    if (up.code !== 0) throw new Error(`docaxis up failed: ${up.stderr}`);
    hub = readHubState(stateDir)!;
  }, 300_000);

  afterAll(async () => {
    if (stateDir) {
      await docaxis('down').catch(() => undefined);
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('exports a sent document with its proof; the file verifies with the hub down; one changed byte does not', async () => {
    const [sysA, sysBC] = hub.systems;
    const A = sysA.agencies[0].organId;
    const B = sysBC.agencies[0].organId;
    const client = new DocaxisClient({
      baseUrl: hub.gatewayUrl,
      systemId: sysA.systemId,
      secret: sysA.secret,
    });
    const doc = buildDemoDocument({
      from: { organId: A, name: 'A' },
      to: [{ organId: B, name: 'B' }],
      codeNumber: '77',
      codeNotation: 'UBND-LT',
      subject: 'V/v lưu trữ và chứng minh bản gốc',
    });
    const { docId } = await client.sendEdoc(doc.bytes, { from: A, messageType: 'edoc' });

    // The archive stores it, and its next checkpoint (within a second or two) covers it.
    const file = join(stateDir, 'export.json');
    const exported = await waitFor(
      'an export covered by a checkpoint',
      async () => {
        const r = await docaxis('archive', 'export', docId, '-o', file);
        return r.code === 0 ? r : false;
      },
      60_000,
    );
    expect(exported.stdout).toMatch(
      new RegExp(`^${file}: package ${docId}, sha256 [0-9a-f]{64}, chain seq \\d+\\.\\.\\d+`),
    );
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as ExportBundle;
    expect(Buffer.from(bundle.original!, 'base64').equals(doc.bytes)).toBe(true);
    expect(bundle.signature).toMatchObject({ verdict: expect.any(String) });

    // The hub is stopped: nothing but the file and the seal root remain.
    expect((await docaxis('down')).code).toBe(0);
    for (const s of Object.values(hub.services))
      await waitFor(`pid ${s.pid} to exit`, async () => !isAlive(s.pid));

    const ok = await docaxis('verify-export', file, '--trust', hub.sealTrustFile!);
    expect(ok.stdout).toMatch(
      new RegExp(
        `^OK: package ${docId}, sha256 [0-9a-f]{64}, chained to checkpoint \\d+ sealed by .*\\(seal chain trusted\\)`,
        'm',
      ),
    );
    expect(ok.code).toBe(0);

    // One byte of the original changed (a base64 character inside the document): caught and named.
    const text = readFileSync(file, 'utf8');
    const at = text.indexOf('"original": "') + '"original": "'.length + 40;
    const flipped = text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const tampered = join(stateDir, 'tampered.json');
    writeFileSync(tampered, flipped);
    const bad = await docaxis('verify-export', tampered);
    expect(bad.stdout).toMatch(/^original: its SHA-256 is [0-9a-f]{64}, the record says [0-9a-f]{64}$/m);
    expect(bad.stdout).toMatch(/^FAILED: .*tampered\.json: 1 problem\(s\)$/m);
    expect(bad.code).toBe(1);

    // One byte of the record changed (its sender): the record no longer matches its chained digest.
    const forged = text.replace(`"sender": "${A}"`, `"sender": "${A.slice(0, -1)}X"`);
    writeFileSync(tampered, forged);
    const bad2 = await docaxis('verify-export', tampered);
    expect(bad2.stdout).toMatch(
      /^record: its digest is not the one chained at seq \d+ \(the record was altered\)$/m,
    );
    expect(bad2.code).toBe(1);
  }, 240_000);
});
