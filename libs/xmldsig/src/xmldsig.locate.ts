// Where the package signature lives: edXML/edXML:edXMLEnvelope/edXML:edXMLHeader/Signature (matched by
// namespace URI and local name, so any prefix layout works).
import { DxError } from '#contracts';
import { EDXML_NAMESPACE } from '#edxml';
import { DSIG_NAMESPACE } from './xmldsig.constants.js';
import { allElements, elementChildren, type XmlDocument, type XmlElement } from './xml-tree.js';

const isEdxml = (e: XmlElement, local: string): boolean => e.uri === EDXML_NAMESPACE && e.local === local;

/** The edXMLHeader element, or undefined when the document is not shaped like an edXML package. */
export function findHeader(doc: XmlDocument): XmlElement | undefined {
  if (!isEdxml(doc.root, 'edXML')) return undefined;
  const envelope = elementChildren(doc.root).find((e) => isEdxml(e, 'edXMLEnvelope'));
  return envelope && elementChildren(envelope).find((e) => isEdxml(e, 'edXMLHeader'));
}

export function requireHeader(doc: XmlDocument): XmlElement {
  const header = findHeader(doc);
  if (!header) {
    throw new DxError('SIG_MALFORMED', 'the document has no edXML/edXMLEnvelope/edXMLHeader element');
  }
  return header;
}

export interface SignatureCandidates {
  header: XmlElement | undefined;
  /** Children of edXMLHeader named Signature, in any namespace (placeholders included). */
  inHeader: XmlElement[];
  /** Every XML-DSig Signature element anywhere in the document. */
  dsigAnywhere: XmlElement[];
}

export function findSignatures(doc: XmlDocument): SignatureCandidates {
  const header = findHeader(doc);
  const inHeader = header ? elementChildren(header).filter((e) => e.local === 'Signature') : [];
  const dsigAnywhere: XmlElement[] = [];
  for (const e of allElements(doc.root)) {
    if (e.local === 'Signature' && e.uri === DSIG_NAMESPACE) dsigAnywhere.push(e);
  }
  return { header, inHeader, dsigAnywhere };
}
