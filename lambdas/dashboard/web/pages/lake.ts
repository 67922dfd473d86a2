/**
 * The hourly pipeline's lake: the runs of a window of hours (one row per attempt), rows per lake partition over the
 * window (Parquet footers, beside what the hour's published run produced), and the deployment's alarms with their
 * state changes. `#/lake?hours=24&end=2026-11-29T10` picks the window.
 */
import type { LakeAlarm, LakeAlert, LakeRun, LakeView } from "../../api/lake-types";
import { getJson } from "../api";
import { LineChartFigure } from "../components/charts";
import { DataTable } from "../components/data-table";
import { Panel } from "../components/panel";
import { messageOf, present } from "../components/present";
import { h } from "../dom";
import type { Page } from "./types";

const hourMs = (hour: string): number => Date.parse(`${hour}:00:00Z`);
const count = (n: number | null): string => (n === null ? "" : n.toLocaleString("en"));
const rejectedText = (r: LakeRun): string =>
  Object.entries(r.rejected)
    .map(([reason, n]) => `${reason} ${n}`)
    .join(", ");

export const lakePage: Page = {
  id: "lake",
  title: "Lake",
  mount(root, context) {
    const query = { hours: context.params.get("hours") ?? undefined, end: context.params.get("end") ?? undefined };
    const runsPanel = new Panel("Hourly runs", {
      id: "lake-runs",
      description: "One row per attempt of each hour's run, as the runs table records it.",
    });
    const runs = new DataTable<LakeRun>({
      id: "lake-runs",
      caption: "Hourly runs, newest hour first",
      columns: [
        { key: "hour", label: "Hour", value: (r) => r.hour },
        { key: "attempt", label: "Attempt", value: (r) => r.attempt, numeric: true },
        { key: "status", label: "Status", value: (r) => r.status },
        { key: "fetched", label: "Fetched", value: (r) => r.fetched, numeric: true, format: (r) => count(r.fetched) },
        { key: "kept", label: "Kept", value: (r) => r.kept, numeric: true, format: (r) => count(r.kept) },
        { key: "rejected", label: "Rejected", value: rejectedText },
        {
          key: "published",
          label: "Published",
          value: (r) => r.published,
          numeric: true,
          format: (r) => count(r.published),
        },
        { key: "duration", label: "ms", value: (r) => r.durationMs, numeric: true },
        { key: "note", label: "Note", value: (r) => r.note },
      ],
      emptyMessage: "No run in this window: the schedule runs at the top of each hour, or run `sluice hourly`.",
    });
    const rowsPanel = new Panel("Rows per partition", {
      id: "lake-rows",
      description:
        "Rows in each hour's lake partition (from the Parquet files' footers) and rows the hour's run published.",
    });
    const rowsChart = new LineChartFigure("lake-rows", "Rows per lake partition over time", (v) => count(v));
    const alarmsPanel = new Panel("Alarms", { id: "lake-alarms", description: "This deployment's alarms now." });
    const alarms = new DataTable<LakeAlarm>({
      id: "lake-alarms",
      caption: "Alarms and their state",
      columns: [
        { key: "state", label: "State", value: (a) => a.state },
        { key: "name", label: "Alarm", value: (a) => a.name },
        { key: "metric", label: "Metric", value: (a) => a.metric },
        { key: "updated", label: "Since", value: (a) => a.updatedAt },
        { key: "description", label: "What it means", value: (a) => a.description },
      ],
      sort: { key: "state", direction: "ascending" },
      emptyMessage: "This deployment has no alarm.",
    });
    const alertsPanel = new Panel("Alerts raised", {
      id: "lake-alerts",
      description: "State changes of those alarms in the window, newest first (CloudWatch's alarm history).",
    });
    const alerts = new DataTable<LakeAlert>({
      id: "lake-alerts",
      caption: "Alarm state changes",
      columns: [
        { key: "time", label: "Time", value: (a) => a.time },
        { key: "alarm", label: "Alarm", value: (a) => a.alarm },
        { key: "change", label: "Change", value: (a) => `${a.from} → ${a.to}` },
        { key: "reason", label: "Reason", value: (a) => a.reason },
      ],
      emptyMessage: "No alarm changed state in this window.",
    });
    const heading = h("p", { class: "panel-description" });
    root.append(
      h("h1", {}, "Lake"),
      heading,
      runsPanel.element,
      rowsPanel.element,
      alertsPanel.element,
      alarmsPanel.element,
    );
    const panels = [runsPanel, rowsPanel, alarmsPanel, alertsPanel];
    return {
      async refresh() {
        let view: LakeView;
        try {
          view = await getJson<LakeView>("api/lake", query);
        } catch (error) {
          for (const p of panels) p.error(messageOf(error));
          return;
        }
        heading.textContent = `Hours ${view.window.first} to ${view.window.last} (UTC), ${view.window.hours} in all.`;
        runs.update(view.runs);
        present(runsPanel, runs.element);

        const rows = view.partitions.reduce((n, p) => n + p.rows + (p.published ?? 0), 0);
        if (rows === 0) {
          rowsPanel.empty("No row in the lake for these hours yet.");
        } else {
          rowsChart.update([
            { name: "rows in the lake", points: view.partitions.map((p) => ({ x: hourMs(p.hour), y: p.rows })) },
            {
              name: "rows published",
              points: view.partitions.map((p) => ({ x: hourMs(p.hour), y: p.published ?? 0 })),
            },
          ]);
          present(rowsPanel, rowsChart.element);
        }

        alarms.update(view.alarms);
        present(alarmsPanel, alarms.element);
        alerts.update(view.alerts);
        present(alertsPanel, alerts.element);
      },
    };
  },
};
