/**
 * The faces page's API: `GET /api/faces` (counts, rejections, the gallery's list, failure records; `api/faces.ts`)
 * and `GET /api/faces/thumbnails/:wikidataId/:sha256?w=` (a clean image's thumbnail, JPEG bytes; `api/faces-thumbnail.ts`).
 */
import { facesQuerySchema, readFaces } from "../api/faces";
import {
  faceThumbnail,
  resizeWithSharp,
  THUMBNAIL_CACHE_CONTROL,
  thumbnailParamsSchema,
  thumbnailQuerySchema,
} from "../api/faces-thumbnail";
import { type DashboardDeps, source } from "../server/deps";
import { BinaryBody, HttpError } from "../server/http";
import { defineRoute, type Route } from "../server/router";

export const facesRoutes: Route<DashboardDeps>[] = [
  defineRoute<DashboardDeps, never, typeof facesQuerySchema>({
    method: "GET",
    path: "/api/faces",
    query: facesQuerySchema,
    handle: ({ query, deps }) =>
      readFaces(
        {
          db: deps.dynamo(),
          s3: deps.s3(),
          metadataTable: source(deps, "METADATA_TABLE"),
          lakeBucket: source(deps, "DATASET_BUCKET"),
          failuresBucket: source(deps, "FAILURES_BUCKET"),
        },
        query,
      ),
  }),
  defineRoute<DashboardDeps, typeof thumbnailParamsSchema, typeof thumbnailQuerySchema>({
    method: "GET",
    path: "/api/faces/thumbnails/:wikidataId/:sha256",
    params: thumbnailParamsSchema,
    query: thumbnailQuerySchema,
    async handle({ params, query, deps }) {
      const thumbnail = await faceThumbnail(
        {
          db: deps.dynamo(),
          s3: deps.s3(),
          metadataTable: source(deps, "METADATA_TABLE"),
          imagesBucket: source(deps, "IMAGES_BUCKET"),
          resize: resizeWithSharp,
        },
        { ...params, ...query },
      );
      if (thumbnail.kind === "not-found")
        throw new HttpError(404, "no-thumbnail", `${params.sha256}: ${thumbnail.reason}`);
      return new BinaryBody(thumbnail.jpeg, "image/jpeg", {
        "cache-control": THUMBNAIL_CACHE_CONTROL,
        etag: thumbnail.etag,
      });
    },
  }),
];
