/**
 * FHIR narrative (`text.div`) safety. R4 (Narrative, constraints txt-1 and txt-3) restricts the XHTML to a basic
 * formatting subset: one <div> in the XHTML namespace, no scripts, forms, frames, objects, styles sheets or event
 * attributes. A clinician's browser renders this HTML, so it is checked against an allow-list (the element and
 * attribute lists of HL7's reference validator, XhtmlValidator), never a block-list: anything not listed is refused.
 *
 * The text is parsed with saxes, a strict, namespace-aware XML parser: a fragment that is not well-formed XML is
 * refused rather than repaired, so what is checked is exactly what a conforming reader sees. Comments, CDATA sections,
 * processing instructions and DOCTYPEs are refused as well, because an HTML parser reads some of them differently
 * from an XML parser (e.g. "<!-->" ends a comment in HTML), which would let markup hidden from this check run.
 */
import { SaxesParser, type SaxesAttributeNS, type SaxesTagNS } from 'saxes';
import type { FhirIssue } from './fhir-errors';

const XHTML_NS = 'http://www.w3.org/1999/xhtml';

/** HL7 XhtmlValidator.HTML_ELEMENTS: HTML 4.0 chapters 7-11 and 15 formatting, links, images and image maps. */
const ELEMENTS: ReadonlySet<string> = new Set([
  'p',
  'br',
  'div',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'a',
  'span',
  'b',
  'em',
  'i',
  'strong',
  'small',
  'big',
  'tt',
  'dfn',
  'q',
  'var',
  'abbr',
  'acronym',
  'cite',
  'blockquote',
  'hr',
  'address',
  'bdo',
  'kbd',
  'sub',
  'sup',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'pre',
  'table',
  'caption',
  'colgroup',
  'col',
  'thead',
  'tr',
  'tfoot',
  'tbody',
  'th',
  'td',
  'code',
  'samp',
  'img',
  'map',
  'area',
]);

/** HL7 XhtmlValidator.HTML_ATTRIBUTES: allowed on any element. */
const GLOBAL_ATTRIBUTES: ReadonlySet<string> = new Set([
  'title',
  'style',
  'class',
  'id',
  'lang',
  'xml:lang',
  'xml:space',
  'dir',
  'accesskey',
  'tabindex',
  'span',
  'width',
  'align',
  'valign',
  'char',
  'charoff',
  'abbr',
  'axis',
  'headers',
  'scope',
  'rowspan',
  'colspan',
]);

/** HL7 XhtmlValidator.HTML_COMBO_LIST: allowed on one element only, as "element.attribute". */
const ELEMENT_ATTRIBUTES: ReadonlySet<string> = new Set([
  'a.href',
  'a.name',
  'a.charset',
  'a.type',
  'a.hreflang',
  'a.rel',
  'a.rev',
  'a.shape',
  'a.coords',
  'img.src',
  'img.border',
  'img.alt',
  'img.longdesc',
  'img.height',
  'img.width',
  'img.usemap',
  'img.ismap',
  'blockquote.cite',
  'q.cite',
  'map.name',
  'area.shape',
  'area.coords',
  'area.href',
  'area.nohref',
  'area.alt',
  'table.summary',
  'table.width',
  'table.border',
  'table.frame',
  'table.rules',
  'table.cellspacing',
  'table.cellpadding',
  'pre.space',
  'td.nowrap',
]);

/** Attributes whose value is a URL a browser follows (links) or loads (images). */
const LINK_ATTRIBUTES: ReadonlySet<string> = new Set(['a.href', 'area.href', 'blockquote.cite', 'q.cite']);
const IMAGE_ATTRIBUTES: ReadonlySet<string> = new Set(['img.src', 'img.longdesc']);

// A scheme is whatever precedes the first ":" that comes before any "/", "?" or "#"; without one the URL is relative.
const SCHEME_PATTERN = /^([^/?#]*?):/;
const LINK_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'mailto', 'tel']);
// Images load without a click, so an external one tells a third party who opened the record: only a contained
// resource ("#id") or an inline raster image may be shown.
const IMAGE_PATTERN = /^(#[A-Za-z0-9\-.]{1,64}|data:image\/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*)$/;
// CSS that can fetch, execute or hide either: url(), IE expression() and behaviors, Mozilla bindings, @import,
// escapes and comments (which could split a keyword), and markup.
const UNSAFE_STYLE_PATTERN = /url\s*\(|expression|@import|\\|\/\*|javascript:|behaviou?r|binding|[<>]/i;

function linkProblem(value: string): string | undefined {
  const scheme = SCHEME_PATTERN.exec(value)?.[1];
  if (scheme === undefined || LINK_SCHEMES.has(scheme.toLowerCase())) return undefined;
  return `links may use http, https, mailto or tel URLs, or relative ones; "${scheme}:" is not allowed`;
}

function attributeProblem(element: string, attribute: SaxesAttributeNS): string | undefined {
  const qualified = `${element}.${attribute.name}`;
  if (attribute.name === 'xmlns') {
    return attribute.value === XHTML_NS ? undefined : `the only namespace allowed is ${XHTML_NS}`;
  }
  if (!GLOBAL_ATTRIBUTES.has(attribute.name) && !ELEMENT_ATTRIBUTES.has(qualified)) {
    return `attribute ${attribute.name} is not allowed on <${element}> in FHIR narrative (no event handlers, scripts or other namespaces)`;
  }
  if (LINK_ATTRIBUTES.has(qualified)) return linkProblem(attribute.value);
  if (IMAGE_ATTRIBUTES.has(qualified) && !IMAGE_PATTERN.test(attribute.value)) {
    return `<img ${attribute.name}> must reference a contained resource ("#id") or be a data:image/png|jpeg|gif|webp;base64 URL`;
  }
  if (attribute.name === 'style' && UNSAFE_STYLE_PATTERN.test(attribute.value)) {
    return 'style may hold plain CSS declarations only (no url(), expression(), @import, escapes, comments or markup)';
  }
  return undefined;
}

function tagProblems(tag: SaxesTagNS, depth: number): string[] {
  if (tag.uri !== XHTML_NS) {
    return [`<${tag.name}> must be in the XHTML namespace ${XHTML_NS} (e.g. <div xmlns="${XHTML_NS}">)`];
  }
  if (depth === 0 && tag.local !== 'div') return [`the narrative must be a single <div>, not <${tag.local}>`];
  if (!ELEMENTS.has(tag.local)) {
    return [
      `<${tag.local}> is not allowed in FHIR narrative, which is restricted to basic XHTML formatting ` +
        '(no script, style, iframe, object, embed, form or similar elements)',
    ];
  }
  return Object.values(tag.attributes).flatMap((attribute) => {
    const problem = attributeProblem(tag.local, attribute);
    return problem === undefined ? [] : [problem];
  });
}

/** Why the XHTML `div` is not safe FHIR narrative; empty when it is. Each problem is reported once. */
export function narrativeIssues(path: string, div: unknown): FhirIssue[] {
  if (typeof div !== 'string') return [];
  const problems = new Set<string>();
  const refuse = (what: string) => (): void => {
    problems.add(`${what} is not allowed in FHIR narrative; send plain XHTML elements and text only`);
  };
  const parser = new SaxesParser({ xmlns: true, position: false });
  let depth = 0;
  parser.on('opentag', (tag) => {
    for (const problem of tagProblems(tag, depth)) problems.add(problem);
    depth += 1;
  });
  parser.on('closetag', () => {
    depth -= 1;
  });
  parser.on('comment', refuse('an XML comment'));
  parser.on('cdata', refuse('a CDATA section'));
  parser.on('processinginstruction', refuse('a processing instruction'));
  parser.on('xmldecl', refuse('an XML declaration'));
  parser.on('doctype', refuse('a DOCTYPE'));
  try {
    parser.write(div).close();
  } catch (error) {
    // saxes throws on the first well-formedness error; its message says where and what.
    const detail = error instanceof Error ? error.message : String(error);
    problems.add(`is not well-formed XHTML (${detail}); send one <div xmlns="${XHTML_NS}"> element`);
  }
  return [...problems].map((message) => ({ path, message }));
}
