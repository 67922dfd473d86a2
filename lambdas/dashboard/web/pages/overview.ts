/** The landing page: what this dashboard is and the API it serves (a table any test can compare with /api/meta). */
import type { MetaResponse } from "../../contract";
import { getJson } from "../api";
import { DataTable } from "../components/data-table";
import { Panel } from "../components/panel";
import { h } from "../dom";
import type { Page } from "./types";

export const overviewPage: Page = {
  id: "overview",
  title: "Overview",
  mount(root) {
    const about = new Panel("This dashboard", { id: "about" });
    const api = new Panel("API", {
      id: "api",
      description: "The JSON routes this dashboard serves; every page reads them.",
    });
    const routes = new DataTable<MetaResponse["routes"][number]>({
      id: "routes",
      caption: "API routes",
      columns: [
        { key: "method", label: "Method", value: (r) => r.method },
        { key: "path", label: "Path", value: (r) => r.path },
        { key: "writes", label: "Writes", value: (r) => (r.writes ? "yes" : "no") },
      ],
      sort: { key: "path", direction: "ascending" },
      emptyMessage: "This dashboard serves no API route.",
    });
    root.append(h("h1", {}, "Overview"), about.element, api.element);
    return {
      async refresh() {
        const meta = await getJson<MetaResponse>("api/meta").catch((error: unknown) => {
          const message = error instanceof Error ? error.message : String(error);
          about.error(message);
          api.error(message);
          return undefined;
        });
        if (meta === undefined) return;
        about.show(
          h(
            "p",
            {},
            `Deployment "${meta.stackPrefix}", `,
            meta.mode === "read-only" ? "read-only (no transaction form)." : "full (the transaction form is on).",
          ),
          h("p", {}, "Server time: ", h("time", { datetime: meta.time }, meta.time)),
        );
        routes.update(meta.routes);
        api.present(routes.element);
      },
    };
  },
};
