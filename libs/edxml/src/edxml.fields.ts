import type { Organization, ResponseFor, StaffInfo } from './edxml.model.js';

// Child elements of the shared edXML structures, in the order the official samples write them; the parser reads
// the same names in any order.
export const ORGANIZATION_FIELDS = [
  'OrganId',
  'OrganName',
  'OrganizationInCharge',
  'OrganAdd',
  'Email',
  'Telephone',
  'Fax',
  'Website',
] as const satisfies readonly (keyof Organization)[];
export const RESPONSE_FOR_FIELDS = [
  'OrganId',
  'Code',
  'PromulgationDate',
  'DocumentId',
] as const satisfies readonly (keyof ResponseFor)[];
export const STAFF_FIELDS = [
  'Department',
  'Staff',
  'Mobile',
  'Email',
] as const satisfies readonly (keyof StaffInfo)[];
