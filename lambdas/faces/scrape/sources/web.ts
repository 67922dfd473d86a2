/**
 * A web page about the person (by default their English Wikipedia article): every image it shows or
 * declares. Nothing is judged here; URLs are collected as the page has them, resolved the way a browser
 * would, and the validate stage decides which are safe to fetch.
 */
import { DomUtils, parseDocument } from "htmlparser2";
import { parseSrcset } from "srcset";
import type { Celebrity } from "#faces/contracts";
import { wikiTitle } from "./mediawiki";
import type { Source } from "./types";

/** The page for a person from the template: `{wikidataId}`, `{name}` and `{title}` are replaced. */
export function webPageUrl(template: string, person: Pick<Celebrity, "wikidataId" | "name">): string {
  return template.replace(/\{(wikidataId|name|title)\}/g, (_match, key: string) => {
    if (key === "wikidataId") return person.wikidataId;
    if (key === "name") return encodeURIComponent(person.name);
    return wikiTitle(person.name);
  });
}

/** `<meta>` names (property= or name=) whose content is an image for the page. */
const META_IMAGE_KEYS = new Set([
  "og:image",
  "og:image:url",
  "og:image:secure_url",
  "twitter:image",
  "twitter:image:src",
]);

type Element = ReturnType<typeof DomUtils.findAll>[number];

/**
 * The image URLs of an HTML page, in document order, first occurrence kept: `<img src>`, every
 * `srcset` candidate of `<img>` and `<picture><source>`, and Open Graph / Twitter card images.
 *
 * Relative URLs resolve against the first `<base href>` (itself resolved against the page), else the
 * page's URL. `data:` and `blob:` URIs are dropped: they embed bytes or point into a browser, so
 * there is nothing to fetch. Everything else is kept as the page has it, including other schemes and
 * URLs with credentials, so the validate stage can reject them with a reason; a value that cannot be
 * parsed as a URL at all is kept raw for the same reason.
 */
export function extractImageUrls(html: string, pageUrl: string): string[] {
  const document = parseDocument(html);
  const elements = DomUtils.findAll(() => true, document.children);
  const base = documentBase(elements, pageUrl);

  const seen = new Set<string>();
  const urls: string[] = [];
  const add = (raw: string | undefined) => {
    const url = raw === undefined ? undefined : resolve(raw, base);
    if (url !== undefined && !seen.has(url)) {
      seen.add(url);
      urls.push(url);
    }
  };
  const addSrcset = (srcset: string | undefined) => {
    if (srcset === undefined) return;
    for (const candidate of parseSrcset(srcset)) add(candidate.url);
  };

  for (const element of elements) {
    const attrs = element.attribs;
    switch (element.name) {
      case "img":
        add(attrs.src);
        addSrcset(attrs.srcset);
        break;
      case "source":
        if (element.parent && "name" in element.parent && element.parent.name === "picture") addSrcset(attrs.srcset);
        break;
      case "meta": {
        const key = (attrs.property ?? attrs.name ?? "").trim().toLowerCase();
        if (META_IMAGE_KEYS.has(key)) add(attrs.content);
        break;
      }
    }
  }
  return urls;
}

/** The document's base URL: the first `<base href>` that resolves (and is not data:/javascript:), else the page. */
function documentBase(elements: readonly Element[], pageUrl: string): string {
  const baseElement = elements.find((e) => e.name === "base" && e.attribs.href !== undefined);
  if (!baseElement) return pageUrl;
  try {
    const base = new URL(trimAsciiWhitespace(baseElement.attribs.href ?? ""), pageUrl);
    if (base.protocol === "data:" || base.protocol === "javascript:") return pageUrl;
    return base.href;
  } catch {
    return pageUrl;
  }
}

function resolve(raw: string, base: string): string | undefined {
  const value = trimAsciiWhitespace(raw);
  if (value === "" || /^(?:data|blob):/i.test(value)) return undefined;
  try {
    const url = new URL(value, base);
    return url.protocol === "data:" || url.protocol === "blob:" ? undefined : url.href;
  } catch {
    return value;
  }
}

/** HTML strips only ASCII whitespace around URL attributes (not, say, a non-breaking space). */
function trimAsciiWhitespace(value: string): string {
  return value.replace(/^[\t\n\f\r ]+|[\t\n\f\r ]+$/g, "");
}

export const webSource: Source = async (person, { config, http }) => {
  const page = await http.fetchText(webPageUrl(config.webPageUrlTemplate, person));
  return { found: extractImageUrls(page.body, page.url).map((url) => ({ url, foundOn: page.url })) };
};
