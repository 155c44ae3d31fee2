// XML-DSig verification on one core: verifications per CPU-second of docaxis's verifyEnveloped against
// xml-crypto's SignedXml.checkSignature on the same signed packages (a ~20 KB document built from the SDK's
// edoc_new sample, and the SDK's status package), plus sax parsing the 20 KB package alone for reference
// (the parser verification used before the fast path). Needs `npm run build` first.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser } from '@xmldom/xmldom';
import sax from 'sax';
import { SignedXml } from 'xml-crypto';
import { signEnveloped, verifyEnveloped } from '#xmldsig';

const SAMPLES = path.resolve(import.meta.dirname, '../../../shared/conformance/edxml/vpcp-sdk');
const ATTACHMENT = /(<edXML:ContentTransferEncoded[^>]*>)([^<]*)/;

/** The SDK's edoc_new sample with its attachment cut so the signed package is ~20 KB (base64 stays valid). */
function twentyKb(sample) {
  const room = 20 * 1024 - Buffer.byteLength(sample.replace(ATTACHMENT, '$1')) - 1200; // ~1.2 KB: Signature
  const attachment = ATTACHMENT.exec(sample)[2].slice(0, Math.floor(room / 4) * 4);
  return sample.replace(ATTACHMENT, `$1${attachment}`);
}

function keyPair() {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-xmldsig-'));
  try {
    execFileSync(
      'openssl',
      'req -x509 -newkey rsa:2048 -nodes -sha256 -days 2 -keyout k.pem -out c.pem -subj /CN=bench'.split(' '),
      { cwd: dir, stdio: 'ignore' },
    );
    return {
      keyPem: readFileSync(path.join(dir, 'k.pem'), 'utf8'),
      certPem: readFileSync(path.join(dir, 'c.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true });
  }
}

/** Calls per second of CPU time of this process (not wall time: the machine may be shared). */
function measure(fn, seconds) {
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

export async function xmldsigBenchmark({ seconds = 3 } = {}) {
  const { keyPem, certPem } = keyPair();
  const packages = [
    [
      '20 KB document (edoc_new, attachment cut)',
      twentyKb(readFileSync(path.join(SAMPLES, 'edoc_new.edxml'), 'utf8')),
    ],
    ['status package (status.edxml)', readFileSync(path.join(SAMPLES, 'status.edxml'), 'utf8')],
  ];
  const rows = [];
  for (const [name, unsigned] of packages) {
    const signed = signEnveloped(unsigned, { keyPem, certPem });
    const text = signed.toString('utf8');
    const xmlCrypto = () => {
      const doc = new DOMParser().parseFromString(text, 'text/xml');
      const sig = new SignedXml({ publicCert: certPem, getCertFromKeyInfo: () => null });
      sig.loadSignature(doc.getElementsByTagNameNS('http://www.w3.org/2000/09/xmldsig#', 'Signature')[0]);
      if (!sig.checkSignature(text)) throw new Error('xml-crypto rejects the package');
    };
    const ours = measure(() => verifyEnveloped(signed), seconds);
    const theirs = measure(xmlCrypto, seconds);
    const saxOnly = measure(() => {
      const p = sax.parser(true, { xmlns: true });
      p.onopentag = p.onclosetag = p.ontext = () => {};
      p.write(text).close();
    }, seconds);
    rows.push({ name, bytes: signed.length, ours, theirs, saxOnly });
  }

  const f = (n) => Math.round(n).toLocaleString('en');
  console.log(`\n### XML-DSig verification, one core (rsa-sha256, exc-c14n, RSA 2048; ${seconds} s each)\n`);
  console.log('| package | bytes | docaxis /CPU-s | xml-crypto /CPU-s | ratio | sax parse alone /CPU-s |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    console.log(
      `| ${r.name} | ${r.bytes} | ${f(r.ours)} | ${f(r.theirs)} | ${(r.ours / r.theirs).toFixed(1)}× | ${f(r.saxOnly)} |`,
    );
  }
  return rows;
}
