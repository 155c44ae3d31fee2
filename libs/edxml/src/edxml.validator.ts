// Validate a parsed (or hand-built) package against the rules declared on the model classes.
import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { EdxmlErrorCode } from './edxml.constants.js';
import { EdxmlError, type EdxmlValidationIssue } from './edxml.error.js';
import { EdxmlDocument, EdxmlStatus, type EdxmlPackage } from './edxml.model.js';
import { PATH_TOKEN } from './edxml.rules.js';

/** Model properties whose element path differs from the property name. */
const ELEMENT_PATH: Readonly<Record<string, string>> = {
  traces: 'TraceHeader',
  business: 'Bussiness',
  references: 'edXMLManifest.Reference',
  attachments: 'AttachmentEncoded.Attachment',
  ReceiverList: 'ReceiverList.Receiver',
  ReplacementInfoList: 'ReplacementInfoList.ReplacementInfo',
  OrganIdList: 'OrganIdList.OrganId',
};

function collect(errors: readonly ValidationError[], parent: string, out: EdxmlValidationIssue[]): void {
  for (const error of errors) {
    const path = /^\d+$/.test(error.property)
      ? `${parent}[${error.property}]`
      : [parent, ELEMENT_PATH[error.property] ?? error.property].filter(Boolean).join('.');
    for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
      const code = (error.contexts?.[constraint] as { code?: EdxmlErrorCode } | undefined)?.code;
      out.push({
        code: code ?? EdxmlErrorCode.Invalid,
        field: path,
        // class-validator's own messages (no code) do not carry the path: prefix it.
        message: message.includes(PATH_TOKEN) ? message.split(PATH_TOKEN).join(path) : `${path}: ${message}`,
      });
    }
    if (error.children?.length) collect(error.children, path, out);
  }
}

/**
 * All rule violations of a package, each with a stable code and the element path; [] when valid.
 * Accepts model instances and plain objects of the same shape (e.g. from JSON).
 */
export function validateEdxml(pkg: EdxmlPackage): EdxmlValidationIssue[] {
  const kind = (pkg as { kind?: unknown } | null)?.kind;
  if (kind !== 'edoc' && kind !== 'status') {
    throw new EdxmlError(
      EdxmlErrorCode.Invalid,
      `not an edXML package: kind is ${JSON.stringify(kind)}`,
      'kind',
    );
  }
  // Re-instantiate so nested plain objects get their classes' rules; strings are shared, not copied.
  const instance = plainToInstance<EdxmlDocument | EdxmlStatus, object>(
    kind === 'edoc' ? EdxmlDocument : EdxmlStatus,
    pkg,
  );
  const errors = validateSync(instance, {
    forbidUnknownValues: false,
    validationError: { target: false, value: true },
  });
  const issues: EdxmlValidationIssue[] = [];
  collect(errors, '', issues);
  return issues;
}

/** Throws EdxmlError EDXML_INVALID carrying every issue when the package breaks any rule. */
export function assertValid(pkg: EdxmlPackage): void {
  const issues = validateEdxml(pkg);
  if (issues.length === 0) return;
  const shown = issues
    .slice(0, 5)
    .map((i) => i.message)
    .join('; ');
  const more = issues.length > 5 ? `; and ${issues.length - 5} more` : '';
  throw new EdxmlError(
    EdxmlErrorCode.Invalid,
    `edXML package is invalid (${issues.length} issue${issues.length === 1 ? '' : 's'}): ${shown}${more}`,
    issues[0].field,
    issues,
  );
}
