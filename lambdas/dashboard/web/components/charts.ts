/**
 * Charts on Chartist (SVG: each bar is an element with its value, which tests and assistive tools can read).
 * Every chart is a `<figure>` with a caption; the drawing is `role="img"` and described by a text alternative
 * (a visually hidden list of each label and value), and each bar carries `data-label` and `data-value`.
 */
import { AutoScaleAxis, BarChart, LineChart } from "chartist";
import { h, replace } from "../dom";

export interface BarDatum {
  readonly label: string;
  readonly value: number;
}

export interface LinePoint {
  /** Milliseconds since the epoch. */
  readonly x: number;
  readonly y: number;
}

export interface LineSeries {
  readonly name: string;
  readonly points: readonly LinePoint[];
}

/** Axis ticks: 1.2K, 3.4M (the bars' own values are in the text alternative and their titles). */
const compact = new Intl.NumberFormat("en-US", { notation: "compact", maximumFractionDigits: 1 });
/** Chartist's series classes, in order: the stylesheet colours lines, points and legend swatches by them. */
const SERIES = "abcdefghij";

abstract class Figure {
  readonly element: HTMLElement;
  protected readonly drawing: HTMLElement;
  protected readonly legend: HTMLElement;
  private readonly alternative: HTMLElement;

  constructor(id: string, caption: string) {
    const altId = `${id}-text`;
    this.drawing = h("div", { class: "chart-drawing", role: "img", "aria-label": caption, "aria-describedby": altId });
    this.legend = h("ul", { class: "legend", "aria-hidden": "true" });
    this.alternative = h("ul", { id: altId, class: "visually-hidden", "data-chart-text": id });
    this.element = h(
      "figure",
      { class: "chart", "data-chart": id },
      h("figcaption", {}, caption),
      this.drawing,
      this.legend,
      this.alternative,
    );
  }

  protected describe(lines: readonly string[]): void {
    replace(this.alternative, ...lines.map((line) => h("li", {}, line)));
  }
}

/** Horizontal bars, the largest first: labels on the left, values at the bars. */
export class BarChartFigure extends Figure {
  private chart: BarChart | undefined;

  constructor(
    id: string,
    caption: string,
    private readonly format: (value: number) => string = String,
  ) {
    super(id, caption);
  }

  update(data: readonly BarDatum[]): void {
    this.describe(data.map((d) => `${d.label}: ${this.format(d.value)}`));
    this.drawing.classList.toggle("chart-bars", true);
    this.drawing.style.height = `${Math.max(4, data.length) * 2.2 + 2}rem`;
    // Chartist draws the first horizontal bar at the bottom: give it the data last to first, so the largest is on
    // top. (Its own reverseData option reverses the values but not their meta, which would mislabel the bars.)
    const bottomUp = [...data].reverse();
    const chartData = {
      labels: bottomUp.map((d) => d.label),
      series: [bottomUp.map((d) => ({ value: d.value, meta: d.label }))],
    };
    if (this.chart === undefined) {
      this.chart = new BarChart(this.drawing, chartData, {
        horizontalBars: true,
        seriesBarDistance: 0,
        axisY: { offset: 130, showGrid: false },
        chartPadding: { top: 10, right: 28, bottom: 5, left: 10 },
        axisX: { onlyInteger: true, labelInterpolationFnc: (v: unknown) => compact.format(Number(v)) },
      });
      this.chart.on("draw", (event) => {
        if (event.type !== "bar") return;
        const label = String(event.meta ?? "");
        const raw = event.value;
        const value = typeof raw === "number" ? raw : Number(raw === undefined ? 0 : "x" in raw ? raw.x : raw.y);
        event.element.attr({ "data-label": label, "data-value": String(value) });
        event.element.getNode().appendChild(svgTitle(`${label}: ${this.format(value)}`));
      });
    } else {
      this.chart.update(chartData);
    }
  }
}

/** Lines over time; the x axis shows times of day, or dates when the span is over two days. */
export class LineChartFigure extends Figure {
  private chart: LineChart | undefined;

  /** `format` says a value in the text alternative; `axis` labels the y axis's ticks (default: compact numbers). */
  constructor(
    id: string,
    caption: string,
    private readonly format: (value: number) => string = String,
    private readonly axis: (value: number) => string = (v) => compact.format(v),
  ) {
    super(id, caption);
  }

  update(series: readonly LineSeries[]): void {
    const xs = series.flatMap((s) => s.points.map((p) => p.x));
    const span = xs.length === 0 ? 0 : Math.max(...xs) - Math.min(...xs);
    const time = (ms: number): string =>
      span > 2 * 86_400_000 ? new Date(ms).toISOString().slice(0, 10) : new Date(ms).toISOString().slice(11, 16);
    this.describe(
      series.flatMap((s) => s.points.map((p) => `${s.name}, ${new Date(p.x).toISOString()}: ${this.format(p.y)}`)),
    );
    replace(
      this.legend,
      ...(series.length > 1 ? series.map((x, i) => h("li", { class: `legend-${SERIES[i] ?? "a"}` }, x.name)) : []),
    );
    const chartData = {
      series: series.map((s) => ({ name: s.name, data: s.points.map((p) => ({ x: p.x, y: p.y })) })),
    };
    if (this.chart === undefined) {
      this.chart = new LineChart(this.drawing, chartData, {
        height: "16rem",
        showPoint: true,
        lineSmooth: false,
        axisX: { type: AutoScaleAxis, scaleMinSpace: 60, labelInterpolationFnc: (v: unknown) => time(Number(v)) },
        axisY: { offset: 50, labelInterpolationFnc: (v: unknown) => this.axis(Number(v)) },
        chartPadding: { top: 10, right: 36, bottom: 5, left: 10 },
      });
    } else {
      this.chart.update(chartData);
    }
  }
}

function svgTitle(text: string): SVGTitleElement {
  const title = document.createElementNS("http://www.w3.org/2000/svg", "title");
  title.textContent = text;
  return title;
}
