/** What `GET /api/health` answers: the wire types the server builds (`health.ts`) and the web app reads. No imports. */

export interface FunctionHealth {
  readonly name: string;
  readonly invocations: number;
  readonly errors: number;
  /** Mean duration over the window (weighted by invocations); null without invocations. */
  readonly durationAvgMs: number | null;
  readonly durationMaxMs: number | null;
  /** One value per timestamp of the view (null: no data in that period). */
  readonly series: {
    readonly invocations: ReadonlyArray<number | null>;
    readonly errors: ReadonlyArray<number | null>;
    readonly durationAvgMs: ReadonlyArray<number | null>;
  };
}

export interface MappingHealth {
  readonly functionName: string;
  readonly uuid: string;
  /** Highest OffsetLag in the window; null without data. */
  readonly offsetLagMax: number | null;
  /** The last period's OffsetLag that has data; null without data. */
  readonly offsetLagLatest: number | null;
  /** Errors of the mapping's function in the window (a failed batch is a function error). */
  readonly errors: number;
  readonly series: { readonly offsetLag: ReadonlyArray<number | null> };
}

export interface HealthView {
  readonly window: { readonly start: string; readonly end: string; readonly periodSeconds: number };
  /** The start of each period, oldest first. */
  readonly timestamps: readonly string[];
  readonly functions: readonly FunctionHealth[];
  readonly mappings: readonly MappingHealth[];
}
