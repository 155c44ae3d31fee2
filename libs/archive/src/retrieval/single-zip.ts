// The common producer wraps each attachment in a zip of one entry. Unwrapping it needs only the central directory
// (sizes, CRC, method) and the local header (where the data starts): stored and deflated entries, no zip64.
import { crc32, inflateRawSync } from 'node:zlib';

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/** Largest unwrapped entry (a zip bomb must not exhaust memory). */
export const MAX_UNZIPPED_BYTES = 512 * 1024 * 1024;

/**
 * The bytes of the only file in `zip`, or null when `zip` is not a readable zip with exactly one file entry
 * (more entries, encryption, zip64, another method, a CRC or size mismatch): callers then keep the raw bytes.
 */
export function unzipSingleEntry(zip: Buffer): Buffer | null {
  const eocd = findEocd(zip);
  if (eocd < 0) return null;
  const entries = zip.readUInt16LE(eocd + 10);
  const cdOffset = zip.readUInt32LE(eocd + 16);
  if (entries !== 1 || cdOffset + 46 > zip.length || zip.readUInt32LE(cdOffset) !== CENTRAL) return null;
  const flags = zip.readUInt16LE(cdOffset + 8);
  const method = zip.readUInt16LE(cdOffset + 10);
  const crc = zip.readUInt32LE(cdOffset + 16);
  const compressed = zip.readUInt32LE(cdOffset + 20);
  const size = zip.readUInt32LE(cdOffset + 24);
  const nameLen = zip.readUInt16LE(cdOffset + 28);
  const localAt = zip.readUInt32LE(cdOffset + 42);
  const name = zip.toString('utf8', cdOffset + 46, cdOffset + 46 + nameLen);
  if (flags & 0x1 || name.endsWith('/')) return null; // encrypted, or a directory
  if (compressed === 0xffffffff || size === 0xffffffff || size > MAX_UNZIPPED_BYTES) return null;
  if (localAt + 30 > zip.length || zip.readUInt32LE(localAt) !== LOCAL) return null;
  const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
  if (dataAt + compressed > zip.length) return null;
  const data = zip.subarray(dataAt, dataAt + compressed);
  let out: Buffer;
  try {
    if (method === 0) out = Buffer.from(data);
    else if (method === 8) out = inflateRawSync(data, { maxOutputLength: Math.max(size, 1) });
    else return null;
  } catch {
    return null;
  }
  return out.length === size && crc32(out) === crc ? out : null;
}

/** The end-of-central-directory record, searched backwards over the longest possible comment. */
function findEocd(zip: Buffer): number {
  if (zip.length < 22 || zip.readUInt32LE(0) !== LOCAL) return -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === EOCD && i + 22 + zip.readUInt16LE(i + 20) === zip.length) return i;
  }
  return -1;
}
