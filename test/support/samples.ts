// Shared by the unit and integration tests: the national SDK's sample packages (../shared/conformance) and a
// helper that returns the EdxmlError a call throws.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { EdxmlError } from '#edxml';

export const SAMPLES = path.resolve(process.cwd(), '../shared/conformance/edxml/vpcp-sdk');

export const readSample = (name: string): Buffer => readFileSync(path.join(SAMPLES, name));

/** The EdxmlError `fn` throws; fails the test when it throws nothing or something else. */
export function refusal(fn: () => unknown): EdxmlError {
  try {
    fn();
  } catch (e) {
    if (e instanceof EdxmlError) return e;
    throw e;
  }
  throw new Error('expected an EdxmlError');
}
