/**
 * The cases the validate stage must reject: URLs that do not parse, unsafe schemes, credentials,
 * hosts that lead to private addresses or nowhere, and URLs a person's sources name again. Each
 * declares its reason; the URLs are chosen so that the reason is unmistakable (literal private
 * addresses, the reserved `.invalid` top-level domain, a URL repeated verbatim or with a fragment).
 */
import type { CaseKind, PersonBuilder } from "../builder";
import { TMDB_IMAGE_PREFIX, TOKENS } from "../model";

const INVALID_URLS = ["http://", "http://[::1", "https://999.999.999.999/portrait.jpg"];
const UNSAFE_SCHEMES = [
  "ftp://ftp.example.org/pub/portraits/{slug}.jpg",
  "javascript:alert(document.cookie)",
  "file:///etc/passwd",
];
const CREDENTIALS = ["http://user:pass@{host}/img/{slug}/portrait.jpg", "http://admin@{host}/img/{slug}/portrait.jpg"];
/** Loopback, RFC 1918, link-local (the metadata service), unspecified and unique-local addresses, and ports other than the sample web's. */
const PRIVATE = [
  "http://10.0.0.5/images/{slug}.jpg",
  "http://169.254.169.254/latest/meta-data/iam/security-credentials/",
  "http://127.0.0.1:{other}/img/{slug}/portrait.jpg",
  "http://[::1]:{port}/img/{slug}/portrait.jpg",
  "http://192.168.1.20/photos/{slug}.jpg",
  "http://0.0.0.0:{port}/img/{slug}/portrait.jpg",
  "http://localhost:{other}/{slug}.jpg",
  "http://2130706433/{slug}.jpg",
  "http://[fd00::1]/{slug}.jpg",
];
/** `.invalid` never resolves (RFC 2606). */
const UNRESOLVABLE = [
  "http://images.invalid/{slug}.jpg",
  "https://cdn.example.invalid/photos/{slug}.png",
  "http://photos.invalid:8080/{slug}.jpg",
];

export const withSlug = (template: string, b: PersonBuilder) => template.replaceAll("{slug}", b.slug);

export const VALIDATE_CASES: CaseKind[] = [
  {
    name: "invalid-url",
    count: 3,
    needs: ["page"],
    run: async (b, i) =>
      b.img(INVALID_URLS[i % INVALID_URLS.length] ?? "http://", "invalid-url", { validate: "invalid-url" }),
  },
  {
    name: "unsafe-scheme",
    count: 3,
    needs: ["page"],
    run: async (b, i) =>
      b.img(withSlug(UNSAFE_SCHEMES[i % UNSAFE_SCHEMES.length] ?? "", b), "unsafe-scheme", {
        validate: "unsafe-scheme",
      }),
  },
  {
    name: "credentials-in-url",
    count: 2,
    needs: ["page"],
    run: async (b, i) =>
      b.img(withSlug(CREDENTIALS[i % CREDENTIALS.length] ?? "", b), "credentials-in-url", {
        validate: "credentials-in-url",
      }),
  },
  {
    name: "private-address",
    count: PRIVATE.length,
    needs: ["page"],
    run: async (b, i) =>
      b.img(withSlug(PRIVATE[i % PRIVATE.length] ?? "", b), "private-address", { validate: "private-address" }),
  },
  {
    name: "unresolvable-host",
    count: 3,
    needs: ["page"],
    run: async (b, i) =>
      b.img(withSlug(UNRESOLVABLE[i % UNRESOLVABLE.length] ?? "", b), "unresolvable-host", {
        validate: "unresolvable-host",
      }),
  },
  {
    name: "repeat-same-page",
    count: 2,
    needs: ["page"],
    run: async (b) => {
      const { path } = await b.webPicture("repeat-first");
      b.body.push({ tag: "p", html: "More pictures below." });
      b.img(`${b.ref(path)}#face`, "repeat-with-fragment", { validate: "already-seen" });
    },
  },
  {
    name: "repeat-bad-url",
    count: 1,
    needs: ["page"],
    run: async (b) => {
      // Two finds (the strings differ), one URL once the fragment is dropped: the second is
      // already-seen, although the first was rejected.
      b.img(`http://192.168.7.7/${b.slug}.jpg`, "private-address-first", { validate: "private-address" });
      b.img(`http://192.168.7.7/${b.slug}.jpg#again`, "private-address-repeated", { validate: "already-seen" });
    },
  },
  {
    name: "repeat-tmdb-on-page",
    count: 2,
    needs: ["page", "tmdb"],
    run: async (b) => {
      const profile = b.profiles[0];
      if (profile === undefined) throw new Error(`${b.slug}: no TMDB profile to repeat`);
      b.img(`${TOKENS.origin}${TMDB_IMAGE_PREFIX}${profile.file}`, "tmdb-url-on-page", { validate: "already-seen" });
    },
  },
];
