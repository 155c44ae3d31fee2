#!/usr/bin/env node
// Micro-measurement (not a test): verifications per second of one signed ~20 KB package, docaxis's
// verifyEnveloped against xml-crypto's SignedXml.checkSignature, on one core. Needs `npm run build` first.
// Usage: node scripts/bench-xmldsig.mjs [seconds per contender, default 3]
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOMParser } from '@xmldom/xmldom';
import sax from 'sax';
import { SignedXml } from 'xml-crypto';
import { signEnveloped, verifyEnveloped } from '#xmldsig';

const seconds = Number(process.argv[2] ?? 3);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sample = readFileSync(path.join(root, '../shared/conformance/edxml/vpcp-sdk/edoc_new.edxml'), 'utf8');

// A 20 KB package: the SDK sample with its attachment cut to fit (base64 stays valid: multiple of 4).
const base = sample.replace(/(<edXML:ContentTransferEncoded[^>]*>)([^<]*)/, '$1');
const room = 20 * 1024 - Buffer.byteLength(base) - 1200; // ~1.2 KB go to the Signature
const attachment = /<edXML:ContentTransferEncoded[^>]*>([^<]*)/
  .exec(sample)[1]
  .slice(0, Math.floor(room / 4) * 4);
const unsigned = sample.replace(/(<edXML:ContentTransferEncoded[^>]*>)([^<]*)/, `$1${attachment}`);

const dir = mkdtempSync(path.join(tmpdir(), 'bench-xmldsig-'));
execFileSync(
  'openssl',
  'req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -keyout k.pem -out c.pem -subj /CN=bench'.split(' '),
  { cwd: dir, stdio: 'ignore' },
);
const keyPem = readFileSync(path.join(dir, 'k.pem'), 'utf8');
const certPem = readFileSync(path.join(dir, 'c.pem'), 'utf8');
rmSync(dir, { recursive: true });
const signed = signEnveloped(unsigned, { keyPem, certPem });
const signedText = signed.toString('utf8');

function xmlCrypto() {
  const doc = new DOMParser().parseFromString(signedText, 'text/xml');
  const sig = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
  sig.loadSignature(doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]);
  if (!sig.checkSignature(signedText)) throw new Error('xml-crypto rejects the package');
}
const ours = () => verifyEnveloped(signed);
// The floor under any canonicaliser built on sax: sax itself parsing the package, with no-op handlers.
const saxOnly = () => {
  const p = sax.parser(true, { xmlns: true });
  p.onopentag = p.onclosetag = p.ontext = () => {};
  p.write(signedText).close();
};

/** Calls per second of CPU time of this process (not wall time: the machine may be shared). */
function measure(fn) {
  for (let i = 0; i < 50; i++) fn(); // warm-up
  let count = 0;
  const until = Date.now() + seconds * 1000;
  const cpu = process.cpuUsage();
  while (Date.now() < until) {
    fn();
    count++;
  }
  const used = process.cpuUsage(cpu);
  return count / ((used.user + used.system) / 1e6);
}

const a = measure(ours);
const b = measure(xmlCrypto);
const c = measure(saxOnly);
console.log(
  `package: ${signed.length} bytes (rsa-sha256, exc-c14n, RSA 2048), ${seconds} s each, per CPU-second`,
);
console.log(`docaxis verifyEnveloped       ${a.toFixed(0).padStart(7)} /s`);
console.log(`xml-crypto checkSignature     ${b.toFixed(0).padStart(7)} /s`);
console.log(`ratio                         ${(a / b).toFixed(1).padStart(7)} ×`);
console.log(`(sax parse alone, the floor  ${c.toFixed(0).padStart(7)} /s)`);
