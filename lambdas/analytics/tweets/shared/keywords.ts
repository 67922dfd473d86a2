/**
 * Tracked keywords, matched case-insensitively on word boundaries, Unicode-aware. Lambda's filter syntax has no
 * substring match, so the producer runs this matcher and marks each tweet with the keywords it mentions
 * (`tracked_keywords`), the tracker's event-source mapping filters on that mark, and the tracker runs the same
 * matcher again with its own keywords (the mark only decides what reaches it).
 *
 * - Both sides are NFKC-normalized (full-width `ＣＯＶＩＤ－１９` is `COVID-19`), then compared ignoring case.
 * - A space in a keyword matches any run of white space: "corona virus" matches "Corona  Virus" and a line break.
 * - A boundary is where the character outside the match is not a letter, digit, mark or connector (`_`), so
 *   "COVID-19" matches "covid-19," and "#covid-19😷" but not "covid-190", "covid-19s" or "covid-19_uk"; or, for
 *   scripts written without spaces (Chinese, Japanese, Thai), where Unicode word segmentation (UAX #29 with the
 *   dictionaries of Intl.Segmenter) puts a word boundary: "疫情" matches in "新冠疫情爆发".
 */

export type KeywordMatcher = (text: string) => string[];

const WORD_CHAR = /[\p{L}\p{N}\p{M}\p{Pc}]/u;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Positions between two words in `text`, by Unicode word segmentation. */
function segmentBoundaries(text: string): Set<number> {
  const boundaries = new Set<number>([text.length]);
  for (const { index } of new Intl.Segmenter("und", { granularity: "word" }).segment(text)) boundaries.add(index);
  return boundaries;
}

/** Builds a matcher for `keywords`; it returns the keywords a text mentions, in the order given, each once. */
export function keywordMatcher(keywords: readonly string[]): KeywordMatcher {
  const patterns = keywords.map((keyword) => {
    const normalized = keyword.normalize("NFKC").trim();
    const source = normalized.split(/\s+/u).map(escapeRegExp).join("\\s+");
    return { keyword, re: new RegExp(source, "giu") };
  });
  return (raw) => {
    const text = raw.normalize("NFKC");
    let boundaries: Set<number> | undefined;
    const isBoundary = (at: number, outside: string | undefined): boolean => {
      if (outside === undefined || !WORD_CHAR.test(outside)) return true;
      boundaries ??= segmentBoundaries(text);
      return boundaries.has(at);
    };
    const found: string[] = [];
    for (const { keyword, re } of patterns) {
      re.lastIndex = 0;
      for (let m = re.exec(text); m !== null; m = re.exec(text)) {
        const start = m.index;
        const end = start + m[0].length;
        if (isBoundary(start, charBefore(text, start)) && isBoundary(end, charAt(text, end))) {
          found.push(keyword);
          break;
        }
        re.lastIndex = start + 1;
      }
    }
    return found;
  };
}

/** The code point starting at `at`, if any. */
function charAt(text: string, at: number): string | undefined {
  const code = text.codePointAt(at);
  return code === undefined ? undefined : String.fromCodePoint(code);
}

/** The code point ending at `at` (both halves of a surrogate pair), if any. */
function charBefore(text: string, at: number): string | undefined {
  if (at === 0) return undefined;
  const low = text.charCodeAt(at - 1);
  const pair = low >= 0xdc00 && low <= 0xdfff && at >= 2;
  return text.slice(pair ? at - 2 : at - 1, at);
}
