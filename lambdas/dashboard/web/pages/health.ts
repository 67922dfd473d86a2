/**
 * Pipeline health from CloudWatch's AWS/Lambda metrics: per function, invocations, errors and duration; per Kafka
 * mapping, OffsetLag (highest and latest) and its function's errors, over the window (`#/health?minutes=60`).
 */
import type { FunctionHealth, HealthView, MappingHealth } from "../../api/health-types";
import { getJson } from "../api";
import { BarChartFigure, LineChartFigure } from "../components/charts";
import { DataTable } from "../components/data-table";
import { Panel } from "../components/panel";
import { messageOf } from "../components/present";
import { h } from "../dom";
import type { Page } from "./types";

const ms = (v: number | null): string => (v === null ? "" : v.toFixed(v < 10 ? 1 : 0));

export const healthPage: Page = {
  id: "health",
  title: "Pipeline health",
  mount(root, context) {
    const minutes = context.params.get("minutes") ?? undefined;
    const functionsPanel = new Panel("Functions", {
      id: "health-functions",
      description: "Every function of this deployment that ran in the window.",
    });
    const functions = new DataTable<FunctionHealth>({
      id: "health-functions",
      caption: "Invocations, errors and duration per function",
      columns: [
        { key: "name", label: "Function", value: (f) => f.name },
        { key: "invocations", label: "Invocations", value: (f) => f.invocations, numeric: true },
        { key: "errors", label: "Errors", value: (f) => f.errors, numeric: true },
        {
          key: "avg",
          label: "Mean ms",
          value: (f) => f.durationAvgMs,
          numeric: true,
          format: (f) => ms(f.durationAvgMs),
        },
        {
          key: "max",
          label: "Max ms",
          value: (f) => f.durationMaxMs,
          numeric: true,
          format: (f) => ms(f.durationMaxMs),
        },
      ],
      sort: { key: "name", direction: "ascending" },
      emptyMessage: "No function of this deployment ran in this window.",
    });
    const invocations = new BarChartFigure("health-invocations", "Invocations per function");
    const errors = new BarChartFigure("health-errors", "Errors per function");
    const mappingsPanel = new Panel("Kafka mappings", {
      id: "health-mappings",
      description: "How far each event-source mapping is behind its topic (OffsetLag), and its function's errors.",
    });
    const mappings = new DataTable<MappingHealth>({
      id: "health-mappings",
      caption: "OffsetLag and errors per Kafka mapping",
      columns: [
        { key: "function", label: "Function", value: (m) => m.functionName },
        { key: "uuid", label: "Mapping", value: (m) => m.uuid },
        { key: "lagLatest", label: "OffsetLag now", value: (m) => m.offsetLagLatest, numeric: true },
        { key: "lagMax", label: "OffsetLag max", value: (m) => m.offsetLagMax, numeric: true },
        { key: "errors", label: "Errors", value: (m) => m.errors, numeric: true },
      ],
      sort: { key: "function", direction: "ascending" },
      emptyMessage: "No Kafka mapping of this deployment published OffsetLag in this window.",
    });
    const lag = new LineChartFigure("health-offset-lag", "OffsetLag per mapping over time");
    const heading = h("p", { class: "panel-description" });
    root.append(h("h1", {}, "Pipeline health"), heading, functionsPanel.element, mappingsPanel.element);
    return {
      async refresh() {
        let view: HealthView;
        try {
          view = await getJson<HealthView>("api/health", { minutes });
        } catch (error) {
          for (const p of [functionsPanel, mappingsPanel]) p.error(messageOf(error));
          return;
        }
        heading.textContent = `From ${view.window.start} to ${view.window.end}, one point every ${view.window.periodSeconds} s.`;
        const ran = view.functions.filter((f) => f.invocations > 0 || f.errors > 0);
        functions.update(ran);
        invocations.update(ran.map((f) => ({ label: f.name, value: f.invocations })));
        errors.update(ran.map((f) => ({ label: f.name, value: f.errors })));
        if (ran.length === 0) functionsPanel.empty("No function of this deployment ran in this window.");
        else if (!functionsPanel.element.contains(functions.element))
          functionsPanel.show(h("div", { class: "grid" }, invocations.element, errors.element), functions.element);
        else functionsPanel.keep();

        mappings.update(view.mappings);
        const times = view.timestamps.map((t) => Date.parse(t));
        lag.update(
          view.mappings.map((m) => ({
            name: `${m.functionName} (${m.uuid.slice(0, 8)})`,
            points: m.series.offsetLag.flatMap((y, i) => (y === null ? [] : [{ x: times[i] ?? 0, y }])),
          })),
        );
        if (view.mappings.length === 0) mappingsPanel.empty("No Kafka mapping published OffsetLag in this window.");
        else if (!mappingsPanel.element.contains(mappings.element)) mappingsPanel.show(lag.element, mappings.element);
        else mappingsPanel.keep();
      },
    };
  },
};
