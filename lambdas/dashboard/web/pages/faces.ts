/**
 * The face dataset: a gallery of its clean images (thumbnails loaded lazily by the browser, which caches them),
 * images per person, rejections by stage and reason, the training set's size, and the records the Kafka mappings
 * gave up on. `#/faces?person=Q42` shows one person.
 */
import type { FaceImage, FacesView, FailureRecord, Rejection } from "../../api/faces-types";
import { getJson } from "../api";
import { BarChartFigure } from "../components/charts";
import { DataTable } from "../components/data-table";
import { Panel } from "../components/panel";
import { messageOf, present } from "../components/present";
import { h, replace } from "../dom";
import type { Page } from "./types";

type Person = FacesView["people"][number];

/** Images in the whole dataset's gallery (a person's page shows all of theirs). */
const GALLERY_LIMIT = 36;

const GRID_STYLE = "display:grid;grid-template-columns:repeat(auto-fill,minmax(7.5rem,1fr));gap:0.75rem;margin:0;";
const FIGURE_STYLE = "margin:0;display:flex;flex-direction:column;gap:0.25rem;min-width:0;";
const IMG_STYLE = "width:100%;height:auto;aspect-ratio:1/1;object-fit:cover;background:#eee;border-radius:4px;";

/** The width the gallery asks its thumbnails at (the route's `w`), and its images' box. */
const THUMBNAIL_WIDTH = 160;

/**
 * The gallery: one figure per clean image, its thumbnail an `<img>` the browser loads lazily from the thumbnail
 * route (a relative URL, so it works at the URL's root and under `/lambda-url/<id>/`); the route's answer is
 * immutable, so the browser's cache keeps it.
 */
class Gallery {
  readonly element = h("ul", {
    class: "gallery",
    "data-gallery": "faces",
    style: GRID_STYLE,
    "aria-label": "Clean images",
  });
  private readonly figures = new Map<string, HTMLElement>();

  update(images: readonly FaceImage[], onError: (message: string) => void): void {
    const items: HTMLElement[] = [];
    for (const image of images) {
      let item = this.figures.get(image.sha256);
      if (item === undefined) {
        item = this.figure(image, onError);
        this.figures.set(image.sha256, item);
      }
      items.push(item);
    }
    replace(this.element, ...items);
  }

  private figure(image: FaceImage, onError: (message: string) => void): HTMLElement {
    const size = image.width !== null && image.height !== null ? `${image.width}×${image.height}` : "size unknown";
    const img = h("img", {
      alt: `Clean image of ${image.name}, ${size}`,
      width: THUMBNAIL_WIDTH,
      height: THUMBNAIL_WIDTH,
      loading: "lazy",
      decoding: "async",
      style: IMG_STYLE,
      "data-sha256": image.sha256,
      "data-wikidata-id": image.wikidataId,
      "data-thumbnail": "loading",
    });
    img.addEventListener("load", () => img.setAttribute("data-thumbnail", "loaded"), { once: true });
    img.addEventListener(
      "error",
      () => {
        img.setAttribute("data-thumbnail", "failed");
        img.setAttribute("alt", `Clean image of ${image.name} (its thumbnail could not be loaded)`);
        onError(`the thumbnail of ${image.name} could not be loaded`);
      },
      { once: true },
    );
    img.src = `${image.thumbnail}?w=${THUMBNAIL_WIDTH}`;
    return h(
      "li",
      { style: "list-style:none;min-width:0;" },
      h("figure", { style: FIGURE_STYLE }, img, h("figcaption", { style: "overflow-wrap:anywhere;" }, image.name)),
    );
  }
}

export const facesPage: Page = {
  id: "faces",
  title: "Faces",
  mount(root, context) {
    const person = context.params.get("person") ?? undefined;
    // The whole dataset's gallery shows its first images; one person's shows all of theirs.
    const limit = context.params.get("limit") ?? (person === undefined ? String(GALLERY_LIMIT) : "500");
    const summaryPanel = new Panel("Dataset", { id: "faces-summary" });
    const galleryPanel = new Panel("Clean images", {
      id: "faces-gallery",
      description: "Every image the clean stage kept, by person (thumbnails, 160 px wide).",
    });
    const gallery = new Gallery();
    const galleryCount = h("p", { class: "table-count", "data-gallery-count": "faces" });
    const peoplePanel = new Panel("Images per person", { id: "faces-people" });
    const people = new DataTable<Person>({
      id: "faces-people",
      caption: "Images per person",
      columns: [
        {
          key: "name",
          label: "Person",
          value: (p) => p.name,
          href: (p) => `#/faces?person=${encodeURIComponent(p.wikidataId)}`,
        },
        { key: "id", label: "Wikidata", value: (p) => p.wikidataId },
        { key: "clean", label: "Clean", value: (p) => p.clean, numeric: true },
        { key: "rejected", label: "Rejected", value: (p) => p.rejected, numeric: true },
        { key: "pending", label: "Waiting", value: (p) => p.pending, numeric: true },
        { key: "stored", label: "Stored", value: (p) => p.stored, numeric: true },
      ],
      sort: { key: "clean", direction: "descending" },
      emptyMessage: "No person seeded yet: `npm start` seeds the sample's people.",
    });
    const perPerson = new BarChartFigure("faces-per-person", "Clean images per person");
    const rejectionsPanel = new Panel("Rejections", {
      id: "faces-rejections",
      description: "Why candidates and images were turned away, by stage and reason.",
    });
    const rejections = new DataTable<Rejection>({
      id: "faces-rejections",
      caption: "Rejections by stage and reason",
      columns: [
        { key: "stage", label: "Stage", value: (r) => r.stage },
        { key: "reason", label: "Reason", value: (r) => r.reason },
        { key: "count", label: "Count", value: (r) => r.count, numeric: true },
      ],
      emptyMessage: "Nothing was rejected.",
    });
    const rejectionChart = new BarChartFigure("faces-rejections", "Rejections by stage and reason");
    const failuresPanel = new Panel("Failure records", {
      id: "faces-failures",
      description: "Batches the Kafka mappings gave up on (the failures bucket), newest first.",
    });
    const failures = new DataTable<FailureRecord>({
      id: "faces-failures",
      caption: "Failure records",
      columns: [
        { key: "time", label: "Time", value: (f) => f.lastModified },
        { key: "function", label: "Function", value: (f) => f.functionName },
        { key: "condition", label: "Condition", value: (f) => f.condition },
        { key: "invokes", label: "Invocations", value: (f) => f.invokeCount, numeric: true },
        { key: "partitions", label: "Partitions", value: (f) => f.partitions.join(", ") },
        { key: "key", label: "Object", value: (f) => f.key },
      ],
      emptyMessage: "No failure record: no Kafka mapping has given up on a batch.",
    });
    root.append(
      h("h1", {}, person === undefined ? "Faces" : `Faces: ${person}`),
      summaryPanel.element,
      galleryPanel.element,
      h("div", { class: "grid" }, peoplePanel.element, rejectionsPanel.element),
      failuresPanel.element,
    );
    const panels = [summaryPanel, galleryPanel, peoplePanel, rejectionsPanel, failuresPanel];
    return {
      async refresh() {
        let view: FacesView;
        try {
          view = await getJson<FacesView>("api/faces", { person, limit });
        } catch (error) {
          for (const p of panels) p.error(messageOf(error));
          return;
        }
        const t = view.totals;
        summaryPanel.show(
          h(
            "dl",
            { class: "facts" },
            ...[
              ["People", t.people],
              ["Candidates", t.candidates],
              ["Stored", t.stored],
              ["Clean", t.clean],
              ["Waiting", t.pendingDownloads + t.pendingClean],
              ["Training set", `${view.dataset.rows} rows in ${view.dataset.files} files`],
            ].flatMap(([k, v]) => [h("dt", {}, String(k)), h("dd", { "data-fact": String(k) }, String(v))]),
          ),
        );
        if (view.images.length === 0) galleryPanel.empty("No clean image yet.");
        else {
          gallery.update(view.images, (message) => galleryPanel.error(message));
          galleryCount.textContent =
            view.images.length < view.cleanImages
              ? `The first ${view.images.length} of ${view.cleanImages} clean images; pick a person below for all of theirs.`
              : `${view.cleanImages} clean images.`;
          if (!galleryPanel.element.contains(gallery.element)) galleryPanel.show(galleryCount, gallery.element);
          else galleryPanel.keep();
        }
        people.update(view.people);
        perPerson.update(view.people.filter((p) => p.clean > 0).map((p) => ({ label: p.name, value: p.clean })));
        if (view.people.length === 0) peoplePanel.empty("No person seeded yet: `npm start` seeds the sample's people.");
        else if (!peoplePanel.element.contains(people.element)) peoplePanel.show(perPerson.element, people.element);
        else peoplePanel.keep();
        rejections.update(view.rejections);
        rejectionChart.update(view.rejections.map((r) => ({ label: `${r.stage}: ${r.reason}`, value: r.count })));
        if (view.rejections.length === 0) rejectionsPanel.empty("Nothing was rejected.");
        else if (!rejectionsPanel.element.contains(rejections.element))
          rejectionsPanel.show(rejectionChart.element, rejections.element);
        else rejectionsPanel.keep();
        failures.update(view.failures.records);
        present(failuresPanel, failures.element);
      },
    };
  },
};
