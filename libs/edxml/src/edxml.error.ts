import type { EdxmlErrorCode } from './edxml.constants.js';

/** One rule a package breaks; `field` is the element path, e.g. `MessageHeader.To[1].OrganId`. */
export interface EdxmlValidationIssue {
  readonly code: EdxmlErrorCode;
  readonly field: string;
  readonly message: string;
}

/** The one error type this library throws, so callers can map `code` to a protocol answer. */
export class EdxmlError extends Error {
  override readonly name = 'EdxmlError';

  constructor(
    readonly code: EdxmlErrorCode,
    message: string,
    readonly field?: string,
    readonly issues?: readonly EdxmlValidationIssue[],
  ) {
    super(message);
  }
}
