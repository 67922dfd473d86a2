/**
 * The text rules of the tweet pipelines, each a pure function with its reasons written down:
 *
 * - **Hashtag keys.** Twitter treats `#Covid` and `#COVID` as one tag, so counters are keyed by a folded form:
 *   NFKC (full-width `＃ＣＯＶＩＤ` and compatibility forms such as Arabic presentation forms fold to their plain
 *   letters), then lower case in the root locale (`toLocaleLowerCase("und")`: no Turkish or Lithuanian special
 *   casing, so `I` → `i` everywhere). Lower-casing rather than full case folding keeps `ß`/`ss` and `ı`/`i` apart,
 *   as Twitter does; scripts without case (Arabic, CJK, kana) are only normalized, and hiragana and katakana stay
 *   different tags. Accents stay: `#café` and `#cafe` are two tags.
 * - **User names.** Emoji (every RGI sequence emoji-regex knows, flags, skin tones and ZWJ sequences included,
 *   and text-style symbols such as © and ™ that Unicode lists as emoji) are removed, with stray joiners and
 *   variation selectors; spaces collapse; an empty result is "No name", as the seed did.
 */
import emojiRegex from "emoji-regex";

/** What the seed wrote for a user whose name was nothing but emoji. */
export const NO_NAME = "No name";

/** The counter key of a hashtag's display text (with or without its leading `#`). */
export function hashtagKey(display: string): string {
  return display.normalize("NFKC").replace(/^#/, "").toLocaleLowerCase("und");
}

/** The display form kept for a hashtag as written: NFC, without a leading `#`. */
export function hashtagDisplay(text: string): string {
  return text.normalize("NFC").replace(/^[#＃]/, "");
}

// Leftovers of emoji sequences that emoji-regex does not match on their own: ZWJ, variation selectors, the keycap mark,
// tag characters, and skin-tone modifiers.
const EMOJI_DEBRIS = /\u200d|\u20e3|\p{Variation_Selector}|\p{Emoji_Modifier}|[\u{e0020}-\u{e007f}]/gu;

/** A user name with its emoji removed, or "No name" when nothing is left. */
export function cleanUserName(name: string): string {
  const cleaned = name
    .normalize("NFC")
    .replace(emojiRegex(), " ")
    .replace(EMOJI_DEBRIS, "")
    .replace(/\s+/gu, " ")
    .trim();
  return cleaned === "" ? NO_NAME : cleaned;
}
