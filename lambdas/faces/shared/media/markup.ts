/**
 * Text a browser would treat as a document rather than a picture: SVG and HTML. A download that is
 * markup is never an image for the dataset; it must never reach sharp (libvips renders SVG, with
 * whatever it references) nor be stored under a type a browser would execute. Detection reads bytes,
 * never a file name or a Content-Type header.
 */

export type Markup = "svg" | "html";

/** How much of a file is decoded to find its root element (comments and a DOCTYPE may come first). */
const ROOT_WINDOW_BYTES = 64 * 1024;
/** How far into a file an HTML marker still counts as "near the start". */
const HTML_MARKER_WINDOW_CHARS = 1024;

/**
 * The bytes as text, honouring a UTF-8 or UTF-16 byte-order mark and BOM-less UTF-16 markup (an XML
 * parser accepts both). Anything else is read as Latin-1: every byte maps to one character, so the
 * ASCII of tags and attributes survives whatever the real encoding is and decoding never fails.
 */
function decodeText(bytes: Buffer, maxBytes = bytes.length): string {
  const head = bytes.subarray(0, Math.min(maxBytes, bytes.length));
  const [b0, b1, b2] = head;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return head.subarray(3).toString("utf8");
  if (b0 === 0xff && b1 === 0xfe) return head.subarray(2).toString("utf16le");
  if (b0 === 0xfe && b1 === 0xff) return utf16be(head.subarray(2));
  if (b0 === 0x3c && b1 === 0x00) return head.toString("utf16le");
  if (b0 === 0x00 && b1 === 0x3c) return utf16be(head);
  return head.toString("latin1");
}

function utf16be(bytes: Buffer): string {
  const swapped = Buffer.from(bytes.subarray(0, bytes.length - (bytes.length % 2)));
  return swapped.swap16().toString("utf16le");
}

/**
 * "svg" when the root element is `<svg>` (after any XML declaration, processing instructions,
 * comments and DOCTYPE), "html" when the text starts like an HTML document (WHATWG MIME sniffing's
 * tag list) or has an html/head/body/script tag or an HTML doctype near the start; otherwise undefined.
 */
export function detectMarkup(bytes: Buffer): Markup | undefined {
  const text = decodeText(bytes, ROOT_WINDOW_BYTES);
  const root = rootElement(text);
  if (root === "svg") return "svg";
  if (root !== undefined && HTML_ROOTS.has(root)) return "html";
  if (HTML_MARKER.test(text.slice(0, HTML_MARKER_WINDOW_CHARS))) return "html";
  return undefined;
}

/** Tags WHATWG MIME sniffing takes as the start of an HTML document, plus the document's own elements. */
const HTML_ROOTS = new Set([
  "html",
  "head",
  "body",
  "script",
  "iframe",
  "h1",
  "div",
  "font",
  "table",
  "a",
  "style",
  "title",
  "b",
  "br",
  "p",
]);
const HTML_MARKER = /<(?:!doctype\s+html|html|head|body|script)[\s/>]/i;

/**
 * The lower-case local name of the first element, skipping what may legally precede it; undefined
 * when the text does not start with markup. A hand-written scan rather than one large regular
 * expression, so a hostile file cannot make it backtrack.
 */
export function rootElement(text: string): string | undefined {
  let i = 0;
  for (;;) {
    while (i < text.length && /\s/.test(text.charAt(i))) i++;
    if (text.startsWith("<?", i)) {
      i = skipPast(text, "?>", i + 2);
    } else if (text.startsWith("<!--", i)) {
      i = skipPast(text, "-->", i + 4);
    } else if (text.slice(i, i + 9).toLowerCase() === "<!doctype") {
      i = skipDoctype(text, i + 9);
    } else {
      break;
    }
    if (i < 0) return undefined;
  }
  const name = /^<([A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?)(?=[\s/>]|$)/.exec(text.slice(i, i + 256))?.[1];
  if (name === undefined) return undefined;
  return (name.includes(":") ? name.slice(name.indexOf(":") + 1) : name).toLowerCase();
}

function skipPast(text: string, terminator: string, from: number): number {
  const at = text.indexOf(terminator, from);
  return at < 0 ? -1 : at + terminator.length;
}

/** A DOCTYPE ends at the first `>` outside its optional `[ internal subset ]`. */
function skipDoctype(text: string, from: number): number {
  let inSubset = false;
  for (let i = from; i < text.length; i++) {
    const c = text.charAt(i);
    if (c === "[") inSubset = true;
    else if (c === "]") inSubset = false;
    else if (c === ">" && !inSubset) return i + 1;
  }
  return -1;
}

/**
 * What in a markup document can run code when it is opened: the first hit, described for the
 * rejection detail, or undefined. Numeric and the few named character references used to hide
 * `javascript:` are decoded first, and whitespace and control characters are ignored inside a
 * URL scheme, as browsers do.
 */
export function findActiveContent(bytes: Buffer): string | undefined {
  const text = decodeText(bytes);
  for (const { pattern, what } of ACTIVE_PATTERNS) {
    const match = pattern.exec(text);
    if (match) return `${what} (${JSON.stringify(match[0].trim())})`;
  }
  const squeezed = decodeCharacterReferences(text)
    // biome-ignore lint/suspicious/noControlCharactersInRegex: browsers skip control characters inside a URL scheme
    .replace(/[\u0000-\u0020]+/g, "")
    .toLowerCase();
  for (const scheme of ["javascript:", "vbscript:"]) {
    if (squeezed.includes(scheme)) return `a ${scheme} URL`;
  }
  return undefined;
}

/** An optional namespace prefix, as in `<svg:script>`. */
const NS = "(?:[\\w.-]+:)?";
const ACTIVE_PATTERNS: Array<{ pattern: RegExp; what: string }> = [
  { pattern: new RegExp(`<${NS}script[\\s/>]`, "i"), what: "a script element" },
  { pattern: /[\s"'/]on[a-z]+\s*=/i, what: "an event-handler attribute" },
  { pattern: /attributeName\s*=\s*["']?\s*on[a-z]+/i, what: "an animation that sets an event handler" },
  {
    pattern: new RegExp(`<${NS}(?:foreignObject|iframe|object|embed|handler|listener)[\\s/>]`, "i"),
    what: "an element that embeds or runs other content",
  },
];

function decodeCharacterReferences(text: string): string {
  return text
    .replace(/&#x([0-9a-f]{1,6});?/gi, (_, hex: string) => safeCodePoint(Number.parseInt(hex, 16)))
    .replace(/&#([0-9]{1,7});?/g, (_, dec: string) => safeCodePoint(Number.parseInt(dec, 10)))
    .replace(/&colon;/gi, ":")
    .replace(/&(?:tab|newline);/gi, "");
}

function safeCodePoint(code: number): string {
  return code <= 0x10ffff ? String.fromCodePoint(code) : "";
}
