/**
 * What every person has before the cases: plain, distinct pictures in each of their sources (P18
 * files, a TMDB profile, a web page with og:image, figures, a URL with spaces around it), and what a
 * scraper must not report (an inline data: image, markup in a comment or a script string, a P18
 * statement of unknown value). The plain pictures are clean; the og:image that repeats the P18 file
 * is already-seen.
 */
import { dims, type PersonBuilder } from "../builder";
import { escapeHtml } from "../html";
import { EXTENSION, type RasterKind } from "../imaging";
import { commonsFileName, commonsPath, TMDB_IMAGE_PREFIX, TOKENS } from "../model";
import { NOT_A_CANDIDATE } from "../outcome";

/** What every person has before the cases: plain pictures in each of their sources. */
export async function standardContent(b: PersonBuilder): Promise<void> {
  await p18Content(b);
  if (b.setup.onTmdb) await tmdbContent(b);
  if (!b.setup.hasPage) return;
  await pageHead(b);
  await pageBody(b);
}

/** One or two P18 files (the first preferred when there are two), and maybe a statement of unknown value. */
async function p18Content(b: PersonBuilder): Promise<void> {
  const { setup, person } = b;
  for (let k = 0; k < setup.p18Count; k++) {
    const first = person.commons[0] ?? `${person.name}.jpg`;
    const value = k === 0 ? first : first.replace(/(\.[A-Za-z]+)$/, ` (${k + 1})$1`);
    const kind: RasterKind = /\.png$/i.test(value) ? "png" : "jpeg";
    const picture = await b.picture({ kind });
    const legend = b.rng.chance(0.3) ? `${person.name} in ${b.rng.int(1900, 2023)}` : undefined;
    const path = b.commons(value, { kind: "file", blob: picture.blob }, k === 0 ? "p18" : "p18-second", "clean", {
      rank: setup.p18Count > 1 && k === 0 ? "preferred" : "normal",
      ...(legend === undefined ? {} : { legend }),
    });
    if (k === 0) b.primary = { picture, path, url: `${TOKENS.origin}${path}` };
  }
  if (setup.somevalue)
    b.p18.push({
      value: "",
      snak: "somevalue",
      rank: "normal",
      id: b.statementId(),
      case: "p18-unknown-value",
      expect: NOT_A_CANDIDATE,
    });
}

async function tmdbContent(b: PersonBuilder): Promise<void> {
  const picture = await b.picture({ kind: "jpeg" });
  const file = b.tmdbProfile({ kind: "file", blob: picture.blob }, dims(picture.raster), "tmdb-profile", "clean");
  b.primary ??= { picture, path: `${TMDB_IMAGE_PREFIX}${file}`, url: `${TOKENS.origin}${TMDB_IMAGE_PREFIX}${file}` };
}

/** Maybe a `<base href>`; an og:image that is the P18 file again, another picture, or none. */
async function pageHead(b: PersonBuilder): Promise<void> {
  if (b.rng.chance(0.3)) b.base = `${TOKENS.origin}/img/${b.slug}/`;
  const commons = b.p18[0];
  const og = b.rng.next();
  if (commons !== undefined && commons.snak === "value" && og < 0.5) {
    const name = commonsFileName(commons.value);
    const path = commonsPath(commons.value);
    b.head.push({
      tag: "og",
      image: {
        url: `${TOKENS.origin}${path.slice(0, path.length - name.length)}${encodeURIComponent(name)}`,
        case: "og-image-is-the-p18-file",
        // The P18 file was reported first (by the wikidata source): the page names it again.
        expect: { validate: "already-seen" },
      },
    });
  } else if (og < 0.8) {
    const picture = await b.picture();
    const path = b.file(b.imgPath("share", EXTENSION[picture.kind]), picture.blob);
    b.head.push({ tag: "og", image: { url: b.absolute(path), case: "og-image", expect: "clean" } });
    b.primary ??= { picture, path, url: b.absolute(path) };
  }
}

/** A paragraph, a figure, maybe a second one with spaces around its URL, and what must not be reported. */
async function pageBody(b: PersonBuilder): Promise<void> {
  const { person } = b;
  b.body.push({
    tag: "p",
    html: `<b>${escapeHtml(person.name)}</b> (${escapeHtml(person.occupations.join(", "))}) &mdash; a page of the offline sample web, with pictures &amp; captions.`,
  });
  const { picture, path } = await b.webPicture("web-img");
  b.primary ??= { picture, path, url: b.absolute(path) };
  if (b.rng.chance(0.5)) {
    const second = await b.picture();
    const secondPath = b.file(b.imgPath(b.word(), EXTENSION[second.kind]), second.blob);
    b.body.push({
      tag: "img",
      src: { url: `  ${b.ref(secondPath)}  `, case: "web-img-spaces-around-url", expect: "clean" },
      alt: `${person.name} & friends`,
      upper: b.rng.chance(0.5),
    });
  }
  if (b.rng.chance(0.4)) {
    b.body.push({
      tag: "data-img",
      uri: "data:image/gif;base64,R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7",
      alt: "",
    });
  }
  if (b.rng.chance(0.25))
    b.body.push({ tag: "comment", html: `<img src="/img/${b.slug}/old-portrait.jpg" alt="removed">` });
  if (b.rng.chance(0.25)) b.body.push({ tag: "script", js: `var lazy = '<img src="/img/${b.slug}/lazy.jpg">';` });
}
