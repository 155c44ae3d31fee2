import { DxError } from '#contracts';
import { CsvError, parseCsv } from './csv.js';
import { AgencyInputDto } from './dto/agency.dto.js';
import { SystemInputDto } from './dto/system.dto.js';
import { validateRow } from './dto/validate.js';
import type { AgencyRecord, ParsedImport, SystemRecord } from './registry.types.js';

/** Columns of a CSV import, in the documented order; `organId` and `name` are required, `deleted` optional. */
export const CSV_COLUMNS = [
  'organId',
  'code2020',
  'name',
  'parentOrganId',
  'axisOrganId',
  'systemId',
  'email',
  'deleted',
] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: CsvColumn[] = ['organId', 'name'];

const bad = (message: string) => new DxError('BAD_REQUEST', message);

/** Parses and validates a whole import; any bad row refuses all of it (DxError BAD_REQUEST naming it). */
export function parseImport(format: 'csv' | 'json', content: string): ParsedImport {
  const parsed = format === 'csv' ? parseCsvImport(content) : parseJsonImport(content);
  checkUnique(parsed);
  return parsed;
}

/**
 * Columns of a systems CSV (a file whose header has systemId but no organId): the connected systems with
 * their role (system | archivist) and auth (hmac | mtls | any); an empty secret, role or auth keeps the stored one.
 */
export const SYSTEM_CSV_COLUMNS = ['systemId', 'name', 'secret', 'role', 'auth', 'signaturePolicy'] as const;
type SystemCsvColumn = (typeof SYSTEM_CSV_COLUMNS)[number];

/** Maps a header row onto the known columns; unknown, repeated or missing required ones are refused. */
function readHeader<C extends string>(
  header: { line: number; fields: string[] },
  known: readonly C[],
  required: readonly C[],
): C[] {
  const columns = header.fields.map((raw, i) => {
    const name = raw.trim();
    const col = known.find((c) => c.toLowerCase() === name.toLowerCase());
    if (!col) {
      throw bad(`line ${header.line}: unknown column "${name}" (expected ${known.join(',')})`);
    }
    if (header.fields.slice(0, i).some((f) => f.trim().toLowerCase() === name.toLowerCase())) {
      throw bad(`line ${header.line}: column "${name}" appears twice`);
    }
    return col;
  });
  for (const req of required) {
    if (!columns.includes(req)) throw bad(`line ${header.line}: missing column "${req}"`);
  }
  return columns;
}

export function parseCsvImport(content: string): ParsedImport {
  let records;
  try {
    records = parseCsv(content);
  } catch (e) {
    if (e instanceof CsvError) throw bad(e.message);
    throw e;
  }
  if (!records.length) throw bad('CSV has no header row');
  const [header, ...rows] = records;
  const names = header.fields.map((f) => f.trim().toLowerCase());
  if (!names.includes('organid') && names.includes('systemid')) return parseSystemsCsv(header, rows);
  const columns = readHeader<CsvColumn>(header, CSV_COLUMNS, REQUIRED_COLUMNS);

  const agencies = rows.map(({ line, fields }) => {
    const where = `line ${line}`;
    if (fields.length !== columns.length) {
      throw bad(`${where}: expected ${columns.length} fields, got ${fields.length}`);
    }
    const plain: Record<string, unknown> = {};
    columns.forEach((col, i) => {
      const v = fields[i].trim();
      // An empty cell clears the field; a column the file does not have leaves it as stored.
      if (col === 'deleted') {
        if (v !== '') plain[col] = parseBool(v, where);
      } else {
        plain[col] = v === '' ? null : v;
      }
    });
    return toAgencyRecord(validateRow(AgencyInputDto, plain, where), where);
  });
  return { systems: [], agencies };
}

function parseSystemsCsv(
  header: { line: number; fields: string[] },
  rows: { line: number; fields: string[] }[],
): ParsedImport {
  const columns = readHeader<SystemCsvColumn>(header, SYSTEM_CSV_COLUMNS, ['systemId', 'name']);
  const systems = rows.map(({ line, fields }) => {
    const where = `line ${line}`;
    if (fields.length !== columns.length) {
      throw bad(`${where}: expected ${columns.length} fields, got ${fields.length}`);
    }
    const plain: Record<string, unknown> = {};
    columns.forEach((col, i) => {
      const v = fields[i].trim();
      // Nothing of a system can be cleared: an empty cell keeps the stored value.
      if (v !== '') plain[col] = v;
    });
    return toSystemRecord(validateRow(SystemInputDto, plain, where), where);
  });
  return { systems, agencies: [] };
}

export function parseJsonImport(content: string): ParsedImport {
  let doc: unknown;
  try {
    doc = JSON.parse(content);
  } catch (e) {
    throw bad(`content is not valid JSON: ${(e as Error).message}`);
  }
  let agencyItems: unknown;
  let systemItems: unknown = [];
  if (Array.isArray(doc)) {
    agencyItems = doc;
  } else if (doc !== null && typeof doc === 'object') {
    const obj = doc as Record<string, unknown>;
    const extra = Object.keys(obj).filter((k) => k !== 'agencies' && k !== 'systems');
    if (extra.length) throw bad(`unknown top-level key "${extra[0]}" (expected agencies, systems)`);
    agencyItems = obj.agencies ?? [];
    systemItems = obj.systems ?? [];
  } else {
    throw bad('JSON import must be an array of agencies or {"systems": [...], "agencies": [...]}');
  }
  if (!Array.isArray(agencyItems)) throw bad('agencies must be an array');
  if (!Array.isArray(systemItems)) throw bad('systems must be an array');

  const systems: SystemRecord[] = systemItems.map((item, i) => {
    const where = `systems[${i}]`;
    return toSystemRecord(validateRow(SystemInputDto, item, where), where);
  });
  const agencies = agencyItems.map((item, i) => {
    const where = `agencies[${i}]`;
    return toAgencyRecord(validateRow(AgencyInputDto, item, where), where);
  });
  return { systems, agencies };
}

function toSystemRecord(dto: SystemInputDto, where: string): SystemRecord {
  const r: SystemRecord = { systemId: dto.systemId, name: dto.name, secret: dto.secret ?? null, where };
  if (dto.role !== undefined) r.role = dto.role;
  if (dto.auth !== undefined) r.auth = dto.auth;
  if (dto.signaturePolicy !== undefined) r.signaturePolicy = dto.signaturePolicy;
  return r;
}

function toAgencyRecord(dto: AgencyInputDto, where: string): AgencyRecord {
  const r: AgencyRecord = { organId: dto.organId, name: dto.name, where };
  for (const k of OPTIONAL_FIELDS) if (dto[k] !== undefined) r[k] = dto[k];
  if (dto.deleted !== undefined && dto.deleted !== null) r.deleted = dto.deleted;
  return r;
}

const OPTIONAL_FIELDS = ['code2020', 'parentOrganId', 'axisOrganId', 'systemId', 'email'] as const;

function parseBool(v: string, where: string): boolean {
  const s = v.toLowerCase();
  if (s === 'true' || s === '1' || s === 'yes') return true;
  if (s === 'false' || s === '0' || s === 'no') return false;
  throw bad(`${where}: deleted must be true or false, got "${v}"`);
}

/** The same OrganId, code2020 or systemId twice in one import is ambiguous: refuse rather than pick one. */
function checkUnique({ systems, agencies }: ParsedImport): void {
  const seen = <T>(
    items: T[],
    key: (t: T) => string | null | undefined,
    what: string,
    where: (t: T) => string,
  ) => {
    const first = new Map<string, T>();
    for (const item of items) {
      const k = key(item);
      if (k === null || k === undefined) continue;
      const prev = first.get(k);
      if (prev) throw bad(`${where(item)}: ${what} ${k} repeats ${where(prev)}`);
      first.set(k, item);
    }
  };
  seen(
    systems,
    (s) => s.systemId,
    'systemId',
    (s) => s.where,
  );
  seen(
    agencies,
    (a) => a.organId,
    'organId',
    (a) => a.where,
  );
  seen(
    agencies,
    (a) => a.code2020,
    'code2020',
    (a) => a.where,
  );
}
