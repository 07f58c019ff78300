/**
 * Checks the raw XML text before it reaches bpmn-moddle. The XML parser underneath builds the
 * whole tree and recurses per element, so oversized, deeply nested or entity-laden documents are
 * refused here by a single linear scan that never allocates per element.
 */
import type { Diagnostic } from '../diagnostics.ts';

/** BPMN 2.0 model namespace; the root element must be `definitions` in it. */
export const BPMN_MODEL_NS = 'http://www.omg.org/spec/BPMN/20100524/MODEL';

/** Limits on the raw document; generous for real procedures (the largest real ones are < 1 MB). */
export const XML_LIMITS = {
  /** Characters of XML text (~10 MB). */
  maxChars: 10 * 1024 * 1024,
  /** Element nesting depth; real diagrams stay under 30. */
  maxDepth: 200,
} as const;

/**
 * Ids and namespace prefixes that name Object.prototype members: they would become keys of
 * plain objects downstream (machine state names, JSON snapshots), so they are refused outright.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function refuse(code: string, message: string, elementId?: string): Diagnostic {
  return elementId === undefined ? { code, severity: 'error', message } : { code, severity: 'error', message, elementId };
}

/** Index just after the first occurrence of `terminator` from `from`, or -1. */
function skipPast(xml: string, from: number, terminator: string): number {
  const at = xml.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

/** Finds the end of a start tag (the index of its `>`), stepping over quoted attribute values. */
function endOfTag(xml: string, from: number): number {
  let quote = '';
  for (let i = from; i < xml.length; i++) {
    const c = xml[i];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '>') {
      return i;
    }
  }
  return -1;
}

const ATTRIBUTE = /([^\s=/>]+)\s*=\s*("([^"]*)"|'([^']*)')/g;

function attributesOf(tag: string): Map<string, string> {
  const attributes = new Map<string, string>();
  for (const match of tag.matchAll(ATTRIBUTE)) {
    const name = match[1];
    if (name !== undefined) attributes.set(name, match[3] ?? match[4] ?? '');
  }
  return attributes;
}

function checkRoot(tag: string): Diagnostic | undefined {
  const qname = /^<([^\s/>]+)/.exec(tag)?.[1] ?? '';
  const colon = qname.indexOf(':');
  const prefix = colon < 0 ? '' : qname.slice(0, colon);
  const local = colon < 0 ? qname : qname.slice(colon + 1);
  if (local !== 'definitions') {
    return refuse('NOT_BPMN', `The document's root element is <${qname}>, not <bpmn:definitions>: this is not a BPMN 2.0 file. Export the diagram as BPMN 2.0 XML.`);
  }
  const attributes = attributesOf(tag);
  const namespace = attributes.get(prefix ? `xmlns:${prefix}` : 'xmlns');
  if (namespace === undefined) {
    return refuse(
      'BPMN_NAMESPACE_MISSING',
      `The root element <${qname}> has no namespace${prefix ? ` (prefix "${prefix}" is not declared)` : ''}. Declare xmlns${prefix ? `:${prefix}` : ''}="${BPMN_MODEL_NS}" on it.`,
    );
  }
  if (namespace !== BPMN_MODEL_NS) {
    return refuse('BPMN_NAMESPACE_MISSING', `The root element <${qname}> is in namespace "${namespace}", not the BPMN 2.0 model namespace. Use xmlns${prefix ? `:${prefix}` : ''}="${BPMN_MODEL_NS}".`);
  }
  return undefined;
}

const RESERVED_ID = /\bid\s*=\s*["'](__proto__|constructor|prototype)["']/;
const RESERVED_PREFIX = /<\/?(__proto__|constructor|prototype):|\sxmlns:(__proto__|constructor|prototype)\s*=|\s(__proto__|constructor|prototype):[\w.-]+\s*=/;

/**
 * Refuses documents that are not safe or not BPMN before parsing: oversized, DOCTYPE/ENTITY
 * declarations (entity expansion, external entities), nesting deeper than the limit, non-XML
 * text, a root that is not `bpmn:definitions`, and reserved ids or prefixes.
 * Returns the refusals; an empty list means the text may be given to the XML parser.
 * @example precheckXml('<!DOCTYPE x [<!ENTITY a "b">]><x/>')[0]?.code // 'XML_DOCTYPE_FORBIDDEN'
 */
export function precheckXml(xml: string): Diagnostic[] {
  if (xml.length > XML_LIMITS.maxChars) {
    return [refuse('XML_TOO_LARGE', `The document has ${xml.length} characters; the limit is ${XML_LIMITS.maxChars} (10 MB). Split the procedure into called procedures or remove embedded data.`)];
  }
  if (/<!DOCTYPE|<!ENTITY/i.test(xml)) {
    return [refuse('XML_DOCTYPE_FORBIDDEN', 'The document declares a DOCTYPE or ENTITY; entity declarations are refused because they can expand without bound or read external files. Remove the <!DOCTYPE …> declaration.')];
  }
  const reservedId = RESERVED_ID.exec(xml)?.[1];
  if (reservedId !== undefined) {
    return [refuse('RESERVED_ID', `An element has the id "${reservedId}", which is reserved. Rename the element's id (e.g. "${reservedId}_1").`, reservedId)];
  }
  const prefixMatch = RESERVED_PREFIX.exec(xml);
  const reservedPrefix = prefixMatch ? (prefixMatch[1] ?? prefixMatch[2] ?? prefixMatch[3]) : undefined;
  if (reservedPrefix !== undefined) {
    return [refuse('RESERVED_PREFIX', `The namespace prefix "${reservedPrefix}" is reserved. Use another prefix for that namespace.`)];
  }

  let depth = 0;
  let rootChecked = false;
  let i = 0;
  while (i < xml.length) {
    const open = xml.indexOf('<', i);
    if (open < 0) break;
    const next = xml[open + 1];
    if (xml.startsWith('<!--', open)) {
      i = skipPast(xml, open + 4, '-->');
    } else if (xml.startsWith('<![CDATA[', open)) {
      i = skipPast(xml, open + 9, ']]>');
    } else if (next === '?') {
      i = skipPast(xml, open + 2, '?>');
    } else if (next === '!') {
      return [refuse('XML_MALFORMED', `Unexpected "<!" markup at character ${open}. Remove it or export the diagram again.`)];
    } else if (next === '/') {
      depth--;
      i = skipPast(xml, open + 2, '>');
    } else {
      const close = endOfTag(xml, open + 1);
      if (close < 0) {
        return [refuse('XML_MALFORMED', `A tag starting at character ${open} is never closed. Export the diagram again from the modeler.`)];
      }
      if (!rootChecked) {
        const rootProblem = checkRoot(xml.slice(open, close + 1));
        if (rootProblem) return [rootProblem];
        rootChecked = true;
      }
      if (xml[close - 1] !== '/') {
        depth++;
        if (depth > XML_LIMITS.maxDepth) {
          return [refuse('XML_TOO_DEEP', `Elements are nested more than ${XML_LIMITS.maxDepth} levels deep (at character ${open}). Flatten the nesting; real diagrams stay far below this.`)];
        }
      }
      i = close + 1;
    }
    if (i < 0) {
      return [refuse('XML_MALFORMED', 'A comment, CDATA section or processing instruction is never closed. Export the diagram again from the modeler.')];
    }
  }
  if (!rootChecked) {
    return [refuse('NOT_XML', 'The document contains no XML element. Provide a BPMN 2.0 XML file (<bpmn:definitions …>).')];
  }
  return [];
}
