/** HTML text the sample web writes in more than one place: escaping, and a server's error page. */

export function escapeHtml(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;").replaceAll('"', "&quot;");
}

/** An error page as a web server sends it with a 4xx or 5xx (and as a broken server sends it with a 200). */
export const htmlErrorPage = (title: string, detail: string) =>
  `<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8"><title>${title}</title></head>\n<body>\n<h1>${title}</h1>\n<p>${detail}</p>\n<hr>\n<address>sample-web/1.0</address>\n</body>\n</html>\n`;
