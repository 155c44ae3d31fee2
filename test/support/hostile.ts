// Hostile variants of the SDK's document sample (edoc_new.edxml), shared by the parser's unit tests and the
// gateway's integration test: each one must be refused with its stable code before any state changes.
import { readSample } from './samples.js';

const SUBJECT = /<edXML:Subject>[^<]*<\/edXML:Subject>/;

/** The sample as text (never accepted as is by these tests: every variant below is refused). */
const base = (): string => readSample('edoc_new.edxml').toString('utf8');

/** Elements nested `levels` deep inside Subject (which itself is at depth 5). */
export function deeplyNested(levels = 70): Buffer {
  const nest = '<edXML:N>'.repeat(levels) + 'x' + '</edXML:N>'.repeat(levels);
  return Buffer.from(base().replace(SUBJECT, `<edXML:Subject>${nest}</edXML:Subject>`), 'utf8');
}

/** A Subject of `bytes` UTF-8 bytes. */
export function hugeSubject(bytes = 64 * 1024 + 1): Buffer {
  return Buffer.from(base().replace(SUBJECT, `<edXML:Subject>${'a'.repeat(bytes)}</edXML:Subject>`), 'utf8');
}

/** `count` To recipients (the sample's one, repeated). */
export function manyRecipients(count = 1001): Buffer {
  const xml = base();
  const to = /<edXML:To>[\s\S]*?<\/edXML:To>/.exec(xml)![0];
  return Buffer.from(xml.replace(to, Array.from({ length: count }, () => to).join('\n')), 'utf8');
}

/** A lone 0xFF byte (never valid UTF-8) inside the Subject. */
export function invalidUtf8(): Buffer {
  const xml = Buffer.from(base(), 'utf8');
  const at = xml.indexOf('<edXML:Subject>') + '<edXML:Subject>'.length;
  return Buffer.concat([xml.subarray(0, at), Buffer.from([0xff]), xml.subarray(at)]);
}

/** The attachment's base64 with characters outside the alphabet. */
export function badBase64(): Buffer {
  return Buffer.from(
    base().replace(/(<edXML:ContentTransferEncoded[^>]*>)([A-Za-z0-9+/]{8})/, '$1@@@@!!!!'),
    'utf8',
  );
}
