import { DxError } from './errors.js';
import { REQUESTS } from './generated/contracts.js';
import { tokenSubjects } from './token-subjects.js';

/** The agency NATS calls, each a request subject `dx.agency.<agency token>.<op>` declared in proto/. */
export const AGENCY_NATS_OPS = {
  send: REQUESTS.agencySend.subject,
  inbox: REQUESTS.agencyInbox.subject,
  get: REQUESTS.agencyGet.subject,
  ack: REQUESTS.agencyAck.subject,
} as const;
export type AgencyNatsOp = keyof typeof AGENCY_NATS_OPS;

const ORGAN_ID = /^[A-Z0-9]+(\.[A-Z0-9]+)*$/;
const TOKEN = /^[A-Z0-9]+(_[A-Z0-9]+)*$/;
const AGENCY_SUBJECTS = tokenSubjects(AGENCY_NATS_OPS, TOKEN);

/** Every call of every agency, for the gateway's one subscription. */
export const AGENCY_NATS_WILDCARD = AGENCY_SUBJECTS.wildcard;

/**
 * An OrganId as one NATS subject token: `.` separates tokens, so it becomes `_` (`000.00.01.H41` →
 * `000_00_01_H41`). OrganIds are [A-Z0-9.], so the mapping is reversible.
 */
export function agencyToken(organId: string): string {
  if (!ORGAN_ID.test(organId)) {
    throw new DxError('BAD_REQUEST', `not an OrganId usable on NATS: ${JSON.stringify(organId)}`);
  }
  return organId.replaceAll('.', '_');
}

export function organIdOfToken(token: string): string {
  if (!TOKEN.test(token)) throw new DxError('BAD_REQUEST', `not an agency token: ${JSON.stringify(token)}`);
  return token.replaceAll('_', '.');
}

export function agencyNatsSubject(op: AgencyNatsOp, organId: string): string {
  return AGENCY_SUBJECTS.subject(op, agencyToken(organId));
}

/** `dx.agency.000_00_01_H41.send` → {organId: 000.00.01.H41, op: send}; null for anything else. */
export function parseAgencyNatsSubject(subject: string): { organId: string; op: AgencyNatsOp } | null {
  const call = AGENCY_SUBJECTS.parse(subject);
  return call && { organId: organIdOfToken(call.token), op: call.op };
}
