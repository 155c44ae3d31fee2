import type { AgencyItem } from '#sdk-client';

/** An agency as the registry import takes it (JSON): null clears a field, so the parent's view replaces ours. */
export interface ImportedAgency {
  organId: string;
  name: string;
  code2020: string | null;
  parentOrganId: string | null;
  axisOrganId: string;
  systemId: null;
  email: string | null;
  deleted: boolean;
}

/**
 * The parent's agencies this axis should know as remote: every agency the parent places on another axis, with
 * that axis and no system here (nobody on this axis reads their inbox; the router sends their copies up). An
 * agency the parent lists without an axis is the parent's own. This axis's own agencies are left to its
 * operators.
 */
export function agenciesToImport(
  items: readonly AgencyItem[],
  axisOrganId: string,
  parentOrganId: string,
): ImportedAgency[] {
  return items
    .map((a) => ({ a, axis: a.axisOrganId?.trim() || parentOrganId }))
    .filter(({ axis }) => axis !== axisOrganId)
    .map(({ a, axis }) => ({
      organId: a.organId,
      name: a.name,
      code2020: a.code2020 ?? null,
      parentOrganId: a.parentOrganId ?? null,
      axisOrganId: axis,
      systemId: null,
      email: a.email ?? null,
      deleted: a.deleted ?? false,
    }));
}
