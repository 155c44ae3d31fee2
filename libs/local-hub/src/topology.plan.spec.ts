import { describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import {
  NATIONAL_AXIS_ORGAN_ID,
  parseTopology,
  planTopology,
  provinceOrder,
  readSeedAgencies,
} from './topology.plan.js';
import { findAgency, findAxis, type TopologyState } from './topology.state.js';

const seed = readSeedAgencies(fileURLToPath(new URL('../../../deploy/registry/seed.json', import.meta.url)));

describe('parseTopology', () => {
  it('reads single and national+N', () => {
    expect(parseTopology('single')).toEqual({ kind: 'single' });
    expect(parseTopology('National+2')).toEqual({ kind: 'national', provinces: 2, spec: 'national+2' });
    expect(parseTopology('national+02')).toMatchObject({ provinces: 2, spec: 'national+2' });
  });

  it('refuses anything else with the accepted forms', () => {
    for (const bad of ['national', 'national+0', 'national+x', 'provincial+1', '']) {
      expect(() => parseTopology(bad)).toThrow(/"single" or "national\+N"/);
    }
  });
});

describe('planTopology', () => {
  const [national, h41, h14] = planTopology(2, seed);

  it('takes Nghệ An and Cao Bằng first, then the other provinces of the seed', () => {
    expect(provinceOrder(seed).slice(0, 2)).toEqual(['000.00.00.H41', '000.00.00.H14']);
    expect(provinceOrder(seed)).toContain('000.00.00.H29');
    expect(planTopology(3, seed).map((a) => a.key)).toEqual(['national', 'h41', 'h14', 'h29']);
    expect(() => planTopology(provinceOrder(seed).length + 1, seed)).toThrow(/between 1 and/);
  });

  it('runs the national axis as the Government Office, with the demo ministry and one system per province', () => {
    expect(national).toMatchObject({ key: 'national', role: 'national', organId: NATIONAL_AXIS_ORGAN_ID });
    expect(national.systems.map((s) => s.systemId)).toEqual(['demo-ministry']);
    expect(national.axisSystems.map((s) => s.systemId)).toEqual(['axis-H41', 'axis-H14']);
    const byId = new Map(national.agencies.map((a) => [a.organId, a]));
    expect(byId.get('000.00.00.G09')).toMatchObject({
      systemId: 'demo-ministry',
      axisOrganId: NATIONAL_AXIS_ORGAN_ID,
    });
    for (const [id, axis, system] of [
      ['000.00.01.H41', '000.00.00.H41', 'axis-H41'],
      ['000.00.02.H41', '000.00.00.H41', 'axis-H41'],
      ['000.00.01.H14', '000.00.00.H14', 'axis-H14'],
      ['000.00.02.H14', '000.00.00.H14', 'axis-H14'],
    ]) {
      expect(byId.get(id)).toMatchObject({ axisOrganId: axis, systemId: system });
    }
  });

  it('gives each province its own demo systems and agencies, owned by that axis', () => {
    expect(h41).toMatchObject({ key: 'h41', role: 'provincial', parentSystemId: 'axis-H41' });
    expect(h41.systems.map((s) => [s.systemId, s.agencies[0].organId])).toEqual([
      ['demo-qlvb-01', '000.00.01.H41'],
      ['demo-qlvb-02', '000.00.02.H41'],
    ]);
    expect(h14.agencies.every((a) => a.axisOrganId === '000.00.00.H14')).toBe(true);
    // Names come from the seed where it has them.
    expect(h41.systems[0].agencies[0].name).toBe('Đơn vị demo 01 thuộc UBND tỉnh Nghệ An (DEMO)');
    expect(h14.systems[1].agencies[0].name).toBe('Đơn vị demo 02 thuộc UBND tỉnh Cao Bằng (DEMO)');
  });
});

describe('finding axes and agencies in a topology state', () => {
  const axis = (key: string, organId: string, agencies: string[]) => ({
    key,
    role: 'provincial' as const,
    organId,
    name: key,
    stateDir: '',
    gatewayUrl: '',
    natsUrl: '',
    databaseUrl: '',
    services: {},
    systems: [
      { systemId: `s-${key}`, secret: 'x', agencies: agencies.map((organId) => ({ organId, name: '' })) },
    ],
  });
  const state: TopologyState = {
    status: 'ready',
    topology: 'national+1',
    supervisorPid: 1,
    startedAt: '',
    warnings: [],
    axes: [
      axis('national', '000.00.00.G22', ['000.00.00.G09']),
      axis('h41', '000.00.00.H41', ['000.00.01.H41']),
    ],
  };

  it('finds an axis by key, level-1 code or OrganId', () => {
    for (const name of ['h41', 'H41', '000.00.00.H41']) expect(findAxis(state, name)?.key).toBe('h41');
    expect(findAxis(state, 'national')?.key).toBe('national');
    expect(findAxis(state, 'h99')).toBeUndefined();
  });

  it('finds the axis and system serving an agency', () => {
    expect(findAgency(state, '000.00.00.G09')?.axis.key).toBe('national');
    expect(findAgency(state, '000.00.01.H41')?.system.systemId).toBe('s-h41');
    expect(findAgency(state, '000.00.09.H41')).toBeUndefined();
  });
});
