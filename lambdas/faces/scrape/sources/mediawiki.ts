/**
 * URLs the way MediaWiki writes them, so that what we derive is byte-for-byte the URL the wikis link
 * to (the same image must get the same candidate id and the same URL hash whoever found it).
 */
import { createHash } from "node:crypto";
import { joinUrl } from "./config";

/**
 * MediaWiki's `wfUrlencode`: PHP's rawurlencode, then `; @ $ ! * ( ) , / ~ :` put back. Compared with
 * encodeURIComponent that keeps `; @ $ , / :` readable and encodes `'` (as the wikis' own links do).
 */
export function mediawikiEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/'/g, "%27")
    .replace(/%(3B|40|24|2C|2F|3A)/gi, (escaped) => decodeURIComponent(escaped));
}

/** A page title as it appears in a URL: spaces as underscores, then encoded. */
export function wikiTitle(name: string): string {
  return mediawikiEncode(name.trim().replace(/[ _]+/g, "_"));
}

/**
 * The canonical name of a Commons file: no `File:` prefix, runs of spaces/underscores as one underscore,
 * first letter upper-case (file titles are case-sensitive except for the first letter).
 */
export function commonsFileName(value: string): string {
  const name = value
    .trim()
    .replace(/^(?:File|Image):/i, "")
    .replace(/[ _]+/g, "_")
    .replace(/^_+|_+$/g, "");
  const [first = "", ...rest] = [...name];
  return first.toUpperCase() + rest.join("");
}

/**
 * Where Commons serves a file's original: `{base}/{h}/{hh}/{name}`, with h and hh the first one and two
 * hex digits of the MD5 of the canonical name in UTF-8. "Douglas adams portrait cropped.jpg" →
 * `{base}/c/c0/Douglas_adams_portrait_cropped.jpg`.
 */
export function commonsFileUrl(baseUrl: string, fileName: string): string {
  const name = commonsFileName(fileName);
  const md5 = createHash("md5").update(name, "utf8").digest("hex");
  return joinUrl(baseUrl, `${md5.slice(0, 1)}/${md5.slice(0, 2)}/${mediawikiEncode(name)}`);
}
