import { DxError } from '#contracts';
import { isOrganId } from '#edxml';

const FORMAT = 'a JSON array of OrganIds (as the SDK sends it) or a comma-separated list';

/**
 * Parses the optional `to` header of a send: a JSON array (`["000.00.00.G22"]`, what the SDK sends) or a
 * comma-separated list. Returns the OrganIds trimmed and de-duplicated in order; [] when absent or empty.
 * The header only narrows or hints the recipients: the package's own To list is what routing trusts.
 */
export function parseToHeader(value: string | undefined): string[] {
  const text = (value ?? '').trim();
  if (!text) return [];
  let entries: unknown[];
  if (text.startsWith('[')) {
    try {
      entries = JSON.parse(text) as unknown[];
    } catch {
      throw new DxError('BAD_REQUEST', `header to is not valid JSON; expected ${FORMAT}`);
    }
    if (!Array.isArray(entries) || entries.some((e) => typeof e !== 'string')) {
      throw new DxError('BAD_REQUEST', `header to must be ${FORMAT}`);
    }
  } else {
    entries = text.split(',');
  }
  const out: string[] = [];
  for (const raw of entries as string[]) {
    const organId = raw.trim();
    if (!organId) continue;
    if (!isOrganId(organId)) {
      throw new DxError('BAD_REQUEST', `header to: ${JSON.stringify(organId)} is not an agency identifier`);
    }
    if (!out.includes(organId)) out.push(organId);
  }
  return out;
}
