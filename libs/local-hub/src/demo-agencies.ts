/**
 * The demo systems and agencies `docaxis up` registers (three departments of Nghệ An, marked demo):
 * A is wired to its own document system; B and C share another one.
 */
export const DEMO_SYSTEMS = [
  {
    systemId: 'demo-qlvb-a',
    name: 'Demo document system A',
    agencies: [{ organId: '000.00.01.H41', name: 'Demo A: Văn phòng UBND tỉnh Nghệ An' }],
  },
  {
    systemId: 'demo-qlvb-bc',
    name: 'Demo document system B+C',
    agencies: [
      { organId: '000.00.02.H41', name: 'Demo B: Sở Nội vụ tỉnh Nghệ An' },
      { organId: '000.00.03.H41', name: 'Demo C: Sở Tài chính tỉnh Nghệ An' },
    ],
  },
] as const;
