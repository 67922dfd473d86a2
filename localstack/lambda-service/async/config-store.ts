/**
 * The asynchronous invocation configurations in force: those the assembly declares, changed by the
 * Put/Update/DeleteFunctionEventInvokeConfig API until the next reload (as UpdateEventSourceMapping is),
 * answered in the Lambda API's shapes and errors. Only $LATEST exists locally: another qualifier is not found.
 */
import {
  configBody,
  DEFAULT_EVENT_INVOKE_CONFIG,
  type EventInvokeConfig,
  InvokeConfigError,
  readEventInvokeConfig,
} from "./invoke-config";

interface Entry {
  readonly config: EventInvokeConfig;
  readonly lastModified: Date;
}

/** An answer of the API: a body, or an error in AWS's shape. */
export type ConfigAnswer =
  | { readonly status: number; readonly body?: unknown }
  | { readonly status: number; readonly error: { readonly type: string; readonly message: string } };

export class EventInvokeConfigStore {
  private entries = new Map<string, Entry>();

  constructor(private readonly functionArn: (name: string) => string) {}

  /** The assembly's configurations, by function name (API changes are dropped: the assembly was reloaded). */
  replaceAll(configs: ReadonlyMap<string, EventInvokeConfig>): void {
    const now = new Date();
    const previous = this.entries;
    this.entries = new Map(
      [...configs].map(([name, config]) => {
        const old = previous.get(name);
        const same = old !== undefined && JSON.stringify(old.config) === JSON.stringify(config);
        return [name, { config, lastModified: same ? old.lastModified : now }];
      }),
    );
  }

  /** What an asynchronous event of the function runs with. */
  effective(name: string): EventInvokeConfig {
    return this.entries.get(name)?.config ?? DEFAULT_EVENT_INVOKE_CONFIG;
  }

  qualifiedArn(name: string, qualifier: string): string {
    return `${this.functionArn(name)}:${qualifier}`;
  }

  private view(name: string, entry: Entry) {
    return {
      LastModified: entry.lastModified.getTime() / 1000,
      FunctionArn: `${this.functionArn(name)}:$LATEST`,
      ...configBody(entry.config),
    };
  }

  private notFound(name: string): ConfigAnswer {
    return {
      status: 404,
      error: {
        type: "ResourceNotFoundException",
        message: `The function ${this.functionArn(name)} has no asynchronous invocation configuration.`,
      },
    };
  }

  private set(name: string, props: Record<string, unknown>): ConfigAnswer {
    let config: EventInvokeConfig;
    try {
      config = readEventInvokeConfig(props, ["FunctionName", "Qualifier"]);
    } catch (error) {
      if (!(error instanceof InvokeConfigError)) throw error;
      return { status: 400, error: { type: "InvalidParameterValueException", message: error.message } };
    }
    const entry = { config, lastModified: new Date() };
    this.entries.set(name, entry);
    return { status: 200, body: this.view(name, entry) };
  }

  /** PUT replaces the whole configuration (unset values take their defaults). */
  put(name: string, props: Record<string, unknown>): ConfigAnswer {
    return this.set(name, props);
  }

  /** POST changes only the values given. */
  update(name: string, props: Record<string, unknown>): ConfigAnswer {
    const entry = this.entries.get(name);
    if (!entry) return this.notFound(name);
    const current = configBody(entry.config);
    const destinations = (props.DestinationConfig ?? {}) as Record<string, unknown>;
    const merged = {
      ...current,
      ...props,
      DestinationConfig: { ...current.DestinationConfig, ...destinations },
    };
    return this.set(name, merged);
  }

  get(name: string): ConfigAnswer {
    const entry = this.entries.get(name);
    return entry ? { status: 200, body: this.view(name, entry) } : this.notFound(name);
  }

  delete(name: string): ConfigAnswer {
    if (!this.entries.delete(name)) return this.notFound(name);
    return { status: 204 };
  }

  list(name: string): ConfigAnswer {
    const entry = this.entries.get(name);
    return { status: 200, body: { FunctionEventInvokeConfigs: entry ? [this.view(name, entry)] : [] } };
  }
}

const CONFIG_PATH = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config(\/list)?$/;

/**
 * The Put/Get/Update/Delete/ListFunctionEventInvokeConfigs call at path, or undefined when the path is not
 * one of them or names a function this service does not run (LocalStack may know it).
 */
export async function answerEventInvokeConfig(
  store: EventInvokeConfigStore,
  request: {
    readonly method: string;
    readonly path: string;
    readonly query: URLSearchParams;
    /** The function's name from a name or ARN, if this service runs it. */
    readonly functionName: (identifier: string) => string | undefined;
    readonly body: () => Promise<Record<string, unknown>>;
  },
): Promise<ConfigAnswer | undefined> {
  const m = CONFIG_PATH.exec(request.path);
  if (!m) return undefined;
  const name = request.functionName(m[1] ?? "");
  if (name === undefined) return undefined;
  const { method } = request;
  if (m[2]) return method === "GET" ? store.list(name) : undefined;
  const identifier = decodeURIComponent(m[1] ?? "");
  const qualifier =
    request.query.get("Qualifier") ?? /(?:^|:function:)[A-Za-z0-9_-]+:([^:]+)$/.exec(identifier)?.[1] ?? undefined;
  if (qualifier !== undefined && qualifier !== "$LATEST") {
    return {
      status: 404,
      error: {
        type: "ResourceNotFoundException",
        message: `Function not found: ${store.qualifiedArn(name, qualifier)} (only $LATEST runs locally)`,
      },
    };
  }
  switch (method) {
    case "GET":
      return store.get(name);
    case "PUT":
      return store.put(name, await request.body());
    case "POST":
      return store.update(name, await request.body());
    case "DELETE":
      return store.delete(name);
    default:
      return undefined;
  }
}
