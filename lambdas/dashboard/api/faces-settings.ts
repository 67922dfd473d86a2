/** What the faces page reads from the dashboard function's environment; the stack builds it with `facesEnvironment`. */
import { type EnvironmentOf, envString } from "#shared/settings";

export const FACES_PAGE_SETTINGS = {
  /** The face pipeline's metadata table (`#faces/metadata`). */
  FACES_METADATA_TABLE: envString,
  /** Where the clean images are (`clean/sha256/…`). */
  FACES_IMAGES_BUCKET: envString,
  /** The lake bucket (the training set under `datasets/faces/`). */
  LAKE_BUCKET: envString,
  /** Records the Kafka mappings gave up on. */
  FAILURES_BUCKET: envString,
};

export interface FacesEnvironmentProps {
  readonly metadataTable: string;
  readonly imagesBucket: string;
  readonly lakeBucket: string;
  readonly failuresBucket: string;
}

export function facesEnvironment(props: FacesEnvironmentProps): EnvironmentOf<typeof FACES_PAGE_SETTINGS> {
  return {
    FACES_METADATA_TABLE: props.metadataTable,
    FACES_IMAGES_BUCKET: props.imagesBucket,
    LAKE_BUCKET: props.lakeBucket,
    FAILURES_BUCKET: props.failuresBucket,
  };
}
