/**
 * The patterns of a query as JavaScript regular expressions: /regex/ literals (RE2-like in Insights), quoted
 * strings matched as substrings (`like "x"`), and parse globs, whose * each capture one field.
 */
import { MalformedQueryError } from "./errors";
import type { Token } from "./lexer";

/** Insights regexes are RE2-like: an inline (?i) makes the match case-insensitive, which JS spells as a flag. */
export function compileRegex(token: Token): RegExp {
  const insensitive = token.text.includes("(?i)");
  try {
    return new RegExp(token.text.replaceAll("(?i)", ""), insensitive ? "i" : "");
  } catch (error) {
    throw new MalformedQueryError(`invalid regular expression: ${(error as Error).message}`, token.start, token.end);
  }
}

export function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** A parse glob: each * captures as little as it can, the last one (at the pattern's end) the rest of the value. */
export function globRegex(glob: string): RegExp {
  const parts = glob.split("*").map(escapeRegex);
  const last = parts.length - 1;
  return new RegExp(
    parts.map((part, i) => (i === 0 ? part : `${i === last && part === "" ? "(.*)" : "(.*?)"}${part}`)).join(""),
    "s",
  );
}
