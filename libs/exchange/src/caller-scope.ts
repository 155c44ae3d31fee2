import { DxError } from '#contracts';
import type { Caller } from './exchange.types.js';

/** The agencies a call acts for: the one named (which must be the caller's) or all of the caller's. */
export function agenciesInScope(caller: Caller, agency?: string): string[] {
  if (agency === undefined || agency === '') return [...caller.agencies];
  if (!caller.agencies.has(agency)) {
    throw new DxError(
      'FORBIDDEN_AGENCY',
      `agency ${agency} is not registered under system ${caller.systemId}`,
    );
  }
  return [agency];
}
