import { readFileSync } from 'node:fs';
import type { AgencyRegistration } from './registry.bootstrap.js';

/**
 * The national axis is run by the Government Office: its OrganId is that of Văn phòng Chính phủ, which is also
 * what the official SDK samples carry in their TraceHeader.
 */
export const NATIONAL_AXIS_ORGAN_ID = '000.00.00.G22';
export const NATIONAL_AXIS_NAME = 'Trục liên thông văn bản quốc gia (Văn phòng Chính phủ)';

/** The demo ministry attached directly to the national axis. */
export const DEMO_MINISTRY = {
  systemId: 'demo-ministry',
  name: 'Demo document system of Bộ Nội vụ',
  agencies: [{ organId: '000.00.00.G09', name: 'Bộ Nội vụ' }],
} as const;

/** Provinces taken first, in this order; further ones come from the registry seed. */
const FIRST_PROVINCES = ['000.00.00.H41', '000.00.00.H14'];
const PROVINCE_ID = /^000\.00\.00\.(H\d{2})$/;

export type TopologyKind = { kind: 'single' } | { kind: 'national'; provinces: number; spec: string };

/** `single` (one hub, the default) or `national+N`: a national axis and N ≥ 1 provincial axes. */
export function parseTopology(spec: string): TopologyKind {
  const s = spec.trim().toLowerCase();
  if (s === 'single') return { kind: 'single' };
  const m = /^national\+(\d{1,2})$/.exec(s);
  if (!m || Number(m[1]) < 1) {
    throw new Error(
      `--topology must be "single" or "national+N" with N ≥ 1 (e.g. national+2), got "${spec}"`,
    );
  }
  return { kind: 'national', provinces: Number(m[1]), spec: `national+${Number(m[1])}` };
}

export interface PlannedSystem {
  systemId: string;
  name: string;
  agencies: { organId: string; name: string }[];
}

/** One axis of the topology: who it is, the document systems it serves and what its registry must hold. */
export interface AxisPlan {
  /** `national`, or the province's lower-case level-1 code (`h41`): its state dir and CLI name. */
  key: string;
  role: 'national' | 'provincial';
  organId: string;
  name: string;
  /** Document systems connected to this axis (demo), with their agencies. */
  systems: PlannedSystem[];
  /** Connected systems that are other axes (national only): one per provincial axis. */
  axisSystems: { systemId: string; name: string }[];
  /** What bootstrap imports into this axis's registry. */
  agencies: AgencyRegistration[];
  /** Provincial axes: this axis's system at the national axis. */
  parentSystemId?: string;
}

export interface SeedAgency {
  organId: string;
  name: string;
}

export function readSeedAgencies(file: string): SeedAgency[] {
  const parsed = JSON.parse(readFileSync(file, 'utf8')) as { agencies?: SeedAgency[] } | SeedAgency[];
  return Array.isArray(parsed) ? parsed : (parsed.agencies ?? []);
}

/** Province OrganIds in topology order: Nghệ An, Cao Bằng, then the seed's other provinces. */
export function provinceOrder(seed: SeedAgency[]): string[] {
  const others = seed.map((a) => a.organId).filter((id) => PROVINCE_ID.test(id));
  return [...new Set([...FIRST_PROVINCES, ...others])];
}

const axisCode = (provinceOrganId: string): string => PROVINCE_ID.exec(provinceOrganId)![1];

/**
 * The axes of `national+N`. At the national axis: one system per provincial axis (`axis-H41`) owning that
 * province's demo agencies with axisOrganId = the province, and `demo-ministry` owning Bộ Nội vụ. At each
 * provincial axis: one local demo document system per demo agency (`demo-qlvb-01`, `demo-qlvb-02`).
 */
export function planTopology(provinces: number, seed: SeedAgency[]): AxisPlan[] {
  const order = provinceOrder(seed);
  if (provinces < 1 || provinces > order.length) {
    throw new Error(
      `national+${provinces}: between 1 and ${order.length} provincial axes (the registry seed knows ${order.join(', ')})`,
    );
  }
  const nameOf = (id: string) => seed.find((a) => a.organId === id)?.name;
  const provincial: AxisPlan[] = order.slice(0, provinces).map((organId) => {
    const code = axisCode(organId);
    const provinceName = nameOf(organId) ?? `Tỉnh ${code}`;
    const systems: PlannedSystem[] = ['01', '02'].map((n) => {
      const agencyId = `000.00.${n}.${code}`;
      return {
        systemId: `demo-qlvb-${n}`,
        name: `Demo document system ${n} (${provinceName})`,
        agencies: [
          { organId: agencyId, name: nameOf(agencyId) ?? `Đơn vị demo ${n} thuộc ${provinceName} (DEMO)` },
        ],
      };
    });
    return {
      key: code.toLowerCase(),
      role: 'provincial',
      organId,
      name: `Trục liên thông văn bản ${provinceName}`,
      systems,
      axisSystems: [],
      agencies: ownAgencies(systems, organId, organId),
      parentSystemId: `axis-${code}`,
    };
  });

  const ministry: PlannedSystem = {
    systemId: DEMO_MINISTRY.systemId,
    name: DEMO_MINISTRY.name,
    agencies: DEMO_MINISTRY.agencies.map((a) => ({ ...a })),
  };
  const national: AxisPlan = {
    key: 'national',
    role: 'national',
    organId: NATIONAL_AXIS_ORGAN_ID,
    name: NATIONAL_AXIS_NAME,
    systems: [ministry],
    axisSystems: provincial.map((p) => ({ systemId: p.parentSystemId!, name: p.name })),
    agencies: [
      ...ownAgencies([ministry], NATIONAL_AXIS_ORGAN_ID),
      // The province's agencies belong to that axis: the national axis delivers them to its connector.
      ...provincial.flatMap((p) =>
        p.agencies.map((a) => ({ ...a, systemId: p.parentSystemId, axisOrganId: p.organId })),
      ),
    ],
  };
  return [national, ...provincial];
}

function ownAgencies(systems: PlannedSystem[], axisOrganId: string, parentOrganId?: string) {
  return systems.flatMap((s) =>
    s.agencies.map((a): AgencyRegistration => ({
      organId: a.organId,
      name: a.name,
      ...(parentOrganId ? { parentOrganId } : {}),
      axisOrganId,
      systemId: s.systemId,
    })),
  );
}
