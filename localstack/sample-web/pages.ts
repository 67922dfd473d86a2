/**
 * The HTML the sample web serves for people: one page per person (every image URL attribute in the
 * order emittedCandidates in model.ts reads them), the index of those pages, and the 404 page.
 */
import { escapeHtml } from "./html";
import { fillTemplate, type PageElement, type PersonPlan, type SamplePlan, type UrlContext } from "./model";

export function notFoundPage(path: string): string {
  return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>404 Not Found</title></head>\n<body>\n<h1>Not Found</h1>\n<p>The requested URL ${escapeHtml(path)} was not found on this server.</p>\n</body>\n</html>\n`;
}

export function renderIndex(plan: SamplePlan): string {
  const items = plan.people
    .filter((p) => p.page !== undefined)
    .map(({ person }) => `<li><a href="/web/people/${person.wikidataId}">${escapeHtml(person.name)}</a></li>`)
    .join("\n");
  return `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>Sample Encyclopedia</title></head>\n<body>\n<h1>People</h1>\n<ul>\n${items}\n</ul>\n</body>\n</html>\n`;
}

/** A person's web page: every URL attribute in the order emittedCandidates (model.ts) reads them. */
export function renderPage(plan: SamplePlan, index: number, ctx: UrlContext): string {
  const personPlan = plan.people[index];
  const page = personPlan?.page;
  if (personPlan === undefined || page === undefined) throw new Error(`no page for person ${index}`);
  const { person } = personPlan;
  const attr = (value: string) => escapeHtml(fillTemplate(value, ctx));
  const srcset = (entries: ReadonlyArray<{ url: string; descriptor?: string }>) =>
    entries.map((e) => (e.descriptor === undefined ? attr(e.url) : `${attr(e.url)} ${e.descriptor}`)).join(", ");
  const element = (el: PageElement): string => {
    switch (el.tag) {
      case "og":
        return `<meta property="og:image" content="${attr(el.image.url)}">\n<meta property="og:image:alt" content="${escapeHtml(person.name)}">`;
      case "img": {
        const src = el.src === undefined ? "" : ` ${el.upper ? "SRC" : "src"}="${attr(el.src.url)}"`;
        const set =
          el.srcset === undefined ? "" : ` srcset="${srcset(el.srcset)}" sizes="(max-width: 600px) 100vw, 600px"`;
        const tag = `<${el.upper ? "IMG" : "img"}${src}${set} alt="${escapeHtml(el.alt)}" loading="lazy">`;
        return el.caption === undefined
          ? tag
          : `<figure>\n  ${tag}\n  <figcaption>${escapeHtml(el.caption)}</figcaption>\n</figure>`;
      }
      case "picture": {
        const sources = el.sources
          .map((s) => `  <source${s.type === undefined ? "" : ` type="${s.type}"`} srcset="${srcset(s.srcset)}">`)
          .join("\n");
        return `<picture>\n${sources}\n  <img src="${attr(el.img.src.url)}" alt="${escapeHtml(el.img.alt)}">\n</picture>`;
      }
      case "data-img":
        return `<img src="${escapeHtml(el.uri)}" alt="${escapeHtml(el.alt)}" width="1" height="1">`;
      case "comment":
        return `<!-- ${el.html} -->`;
      case "script":
        return `<script>\n${el.js}\n</script>`;
      case "p":
        return `<p>${el.html}</p>`;
    }
  };
  const neighbours = [plan.people[index - 1], plan.people[index + 1]]
    .filter((p): p is PersonPlan => p?.page !== undefined)
    .map((p) => `<a href="/web/people/${p.person.wikidataId}">${escapeHtml(p.person.name)}</a>`)
    .join(" · ");
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
${page.base === undefined ? "" : `<base href="${attr(page.base)}">\n`}<title>${escapeHtml(person.name)} - Sample Encyclopedia</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta property="og:title" content="${escapeHtml(person.name)}">
<meta property="og:type" content="profile">
${page.head.map(element).join("\n")}
<link rel="stylesheet" href="/web/static/site.css">
</head>
<body>
<header><a href="/web/">Sample Encyclopedia</a></header>
<main>
<h1>${escapeHtml(person.name)}</h1>
${page.body.map(element).join("\n")}
</main>
<footer>${neighbours}</footer>
</body>
</html>
`;
}
