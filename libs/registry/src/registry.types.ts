import type { SystemAuthMode, SystemRole, SystemSignaturePolicy } from './dto/system.dto.js';

/**
 * An agency as an import writes it. Optional fields: `undefined` (column/key not given) keeps the stored
 * value, `null` (empty cell / JSON null) clears it. `deleted` undefined keeps it (false for a new agency).
 */
export interface AgencyRecord {
  organId: string;
  code2020?: string | null;
  name: string;
  parentOrganId?: string | null;
  axisOrganId?: string | null;
  systemId?: string | null;
  email?: string | null;
  deleted?: boolean;
  /** Where the record came from ("line 7", "agencies[3]"), for error messages. */
  where: string;
}

export interface SystemRecord {
  systemId: string;
  name: string;
  /** Clear secret, when the import sets one; sealed before it reaches the database. */
  secret: string | null;
  /** Absent keeps the stored value (a new system: role system, auth any). */
  role?: SystemRole;
  auth?: SystemAuthMode;
  signaturePolicy?: SystemSignaturePolicy;
  where: string;
}

export interface ParsedImport {
  systems: SystemRecord[];
  agencies: AgencyRecord[];
}

export interface ListQuery {
  systemId?: string;
  sinceVersion?: number;
  after?: string;
  limit: number;
}
