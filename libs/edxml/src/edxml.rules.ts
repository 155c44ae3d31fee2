// class-validator decorators for the edXML rules. Each carries its stable code in `context.code`; messages
// start with PATH_TOKEN, which the validator replaces by the element path (class-validator only knows the
// property name).
import { ValidateBy, type ValidationArguments } from 'class-validator';
import { EdxmlErrorCode } from './edxml.constants.js';
import {
  isOrganId,
  isValidBase64,
  normalizeContentId,
  parseDocumentId,
  parseEdxmlDate,
  parseEdxmlTimestamp,
} from './edxml.formats.js';

/** Cannot come from a value: quoted values go through JSON.stringify, which escapes U+0000. */
export const PATH_TOKEN = '\u0000path\u0000';

const MAX_SHOWN = 60;

/** A value quoted for a message, shortened so a 100 MB attachment never lands in a log line. */
export function quote(value: unknown): string {
  const s = typeof value === 'string' ? value : String(value);
  return JSON.stringify(s.length > MAX_SHOWN ? `${s.slice(0, MAX_SHOWN)}…` : s);
}

const isBlank = (value: unknown): boolean => value === undefined || value === null || value === '';

function rule(
  name: string,
  code: EdxmlErrorCode,
  validate: (value: unknown, args: ValidationArguments) => boolean,
  message: (args: ValidationArguments) => string,
): PropertyDecorator {
  return ValidateBy(
    { name, validator: { validate, defaultMessage: (args?: ValidationArguments) => message(args!) } },
    { context: { code } },
  );
}

/** A mandatory leaf: present and not empty. */
export const Required = (): PropertyDecorator =>
  rule(
    'edxmlRequired',
    EdxmlErrorCode.Required,
    (v) => !isBlank(v) && !(typeof v === 'string' && v.trim() === ''),
    () => `${PATH_TOKEN} is required`,
  );

/** A mandatory container element (its own mandatory children are checked by nested validation). */
export const RequiredElement = (): PropertyDecorator =>
  rule(
    'edxmlRequiredElement',
    EdxmlErrorCode.Required,
    (v) => v !== undefined && v !== null,
    () => `${PATH_TOKEN} is required`,
  );

/** A mandatory repeated element: at least one occurrence. */
export const RequiredList = (): PropertyDecorator =>
  rule(
    'edxmlRequiredList',
    EdxmlErrorCode.Required,
    (v) => Array.isArray(v) && v.length > 0,
    () => `${PATH_TOKEN} is required (at least one)`,
  );

/** Checks only values that are there: absence is the business of Required. */
const present =
  (test: (s: string) => boolean) =>
  (v: unknown): boolean =>
    isBlank(v) || (typeof v === 'string' && test(v));

const ORGAN_ID_HINT = 'is not an agency identifier (QCVN 102 form LLL.NN.NN.XNN or Decision 20/2020 form)';

export const OrganIdFormat = (): PropertyDecorator =>
  rule(
    'edxmlOrganId',
    EdxmlErrorCode.OrganIdFormat,
    present(isOrganId),
    (a) => `${PATH_TOKEN} ${quote(a.value)} ${ORGAN_ID_HINT}`,
  );

/** A list of identifiers (OrganIdList/OrganId*); the message names each bad index. */
export const OrganIdListFormat = (): PropertyDecorator =>
  rule(
    'edxmlOrganIdList',
    EdxmlErrorCode.OrganIdFormat,
    (v) => !Array.isArray(v) || v.every((id) => typeof id === 'string' && isOrganId(id)),
    (a) =>
      (a.value as unknown[])
        .map((id, i) =>
          typeof id === 'string' && isOrganId(id) ? '' : `${PATH_TOKEN}[${i}] ${quote(id)} ${ORGAN_ID_HINT}`,
        )
        .filter(Boolean)
        .join('; '),
  );

/** A value from a closed code table (StatusCode, BussinessDocType, Priority...). */
export const InCodeTable = (
  code: EdxmlErrorCode,
  table: Readonly<Record<string, unknown>>,
): PropertyDecorator =>
  rule(
    `edxmlCodeTable_${code}`,
    code,
    present((s) => Object.hasOwn(table, s)),
    // sort(): integer-like keys ('13') would otherwise come before '01'.
    (a) => `${PATH_TOKEN} ${quote(a.value)} is not one of ${Object.keys(table).sort().join(', ')}`,
  );

export const EdxmlDateFormat = (): PropertyDecorator =>
  rule(
    'edxmlDate',
    EdxmlErrorCode.Date,
    present((s) => parseEdxmlDate(s) !== null),
    (a) => `${PATH_TOKEN} ${quote(a.value)} is not a calendar date in yyyy/MM/dd (or dd/MM/yyyy)`,
  );

export const EdxmlTimestampFormat = (): PropertyDecorator =>
  rule(
    'edxmlTimestamp',
    EdxmlErrorCode.Timestamp,
    present((s) => parseEdxmlTimestamp(s) !== null),
    (a) =>
      `${PATH_TOKEN} ${quote(a.value)} is not a timestamp in yyyy/MM/dd HH:mm:ss (or dd/MM/yyyy HH:mm:ss)`,
  );

export const DocumentIdFormat = (): PropertyDecorator =>
  rule(
    'edxmlDocumentId',
    EdxmlErrorCode.DocumentIdFormat,
    present((s) => parseDocumentId(s) !== null),
    (a) =>
      `${PATH_TOKEN} ${quote(a.value)} is not of the form <OrganId>,<yyyy/MM/dd>,<CodeNumber>/<CodeNotation>`,
  );

export const Base64Content = (): PropertyDecorator =>
  rule(
    'edxmlBase64',
    EdxmlErrorCode.Base64,
    (v) => v === undefined || (typeof v === 'string' && isValidBase64(v)),
    (a) => `${PATH_TOKEN} ${quote(a.value)} is not valid base64`,
  );

interface HasContentId {
  ContentId?: string;
}

/** Indexes of items whose ContentId has no partner on the other side (blank ContentIds never match). */
function unmatched(items: unknown, partners: unknown): number[] {
  if (!Array.isArray(items)) return [];
  const known = new Set(
    (Array.isArray(partners) ? (partners as HasContentId[]) : [])
      .map((p) => normalizeContentId(p?.ContentId ?? ''))
      .filter(Boolean),
  );
  const out: number[] = [];
  (items as HasContentId[]).forEach((item, i) => {
    const id = normalizeContentId(item?.ContentId ?? '');
    if (!id || !known.has(id)) out.push(i);
  });
  return out;
}

/**
 * Every item of this list needs a partner with the same normalised ContentId in the sibling list
 * `partnersKey` (manifest references against attachments and vice versa).
 */
export const ContentIdsMatch = (partnersKey: string, partnersPath: string): PropertyDecorator =>
  rule(
    `edxmlContentIdsMatch_${partnersKey}`,
    EdxmlErrorCode.AttachmentMismatch,
    (v, a) => unmatched(v, (a.object as Record<string, unknown>)[partnersKey]).length === 0,
    (a) =>
      unmatched(a.value, (a.object as Record<string, unknown>)[partnersKey])
        .map(
          (i) =>
            `${PATH_TOKEN}[${i}].ContentId ${quote((a.value as HasContentId[])[i]?.ContentId ?? '')} ` +
            `has no counterpart in ${partnersPath}`,
        )
        .join('; '),
  );
