import { REQUESTS, tokenSubjects } from '#contracts';

/** The calls of the NATS driver, each a request subject `dx.axis.<code>.<op>` declared in proto/. */
export const AXIS_LINK_OPS = {
  send: REQUESTS.axisLinkSend.subject,
  inbox: REQUESTS.axisLinkInbox.subject,
  fetch: REQUESTS.axisLinkFetch.subject,
  ack: REQUESTS.axisLinkAck.subject,
  agencies: REQUESTS.axisLinkAgencies.subject,
} as const;
export type AxisLinkOp = keyof typeof AXIS_LINK_OPS;

const AXIS_LINK_SUBJECTS = tokenSubjects(AXIS_LINK_OPS, /^[A-Z0-9]+$/);

/** Every call of every province, for the national responder's one subscription. */
export const AXIS_LINK_WILDCARD = AXIS_LINK_SUBJECTS.wildcard;

/**
 * The province's code on the link: the level-1 group of its axis OrganId (`000.00.00.H41` → `H41`), which is
 * also how its system at the national axis is named (`axis-H41`) and what its leafnode user may publish on.
 */
export function axisCode(axisOrganId: string): string {
  const code = axisOrganId.split('.').pop() ?? '';
  if (!/^[A-Z0-9]+$/.test(code)) throw new Error(`no axis code in OrganId ${JSON.stringify(axisOrganId)}`);
  return code;
}

/** The system of the national axis that a province's link acts as. */
export const axisSystemId = (code: string): string => `axis-${code}`;

export function axisLinkSubject(op: AxisLinkOp, code: string): string {
  return AXIS_LINK_SUBJECTS.subject(op, code);
}

/** `dx.axis.H41.send` → {code: H41, op: send}; null for anything else. */
export function parseAxisLinkSubject(subject: string): { code: string; op: AxisLinkOp } | null {
  const call = AXIS_LINK_SUBJECTS.parse(subject);
  return call && { code: call.token, op: call.op };
}
