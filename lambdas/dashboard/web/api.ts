/**
 * The API client. Paths are relative (`api/...`, no leading slash) so the app works at a function URL's root and
 * under the local path form `/lambda-url/<id>/` alike.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

async function answer<T>(response: Response): Promise<T> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text === "" ? null : JSON.parse(text);
  } catch {
    throw new ApiError(
      response.status,
      "not-json",
      `the API answered ${response.status} with something that is not JSON`,
    );
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? "http-error",
      error?.message ?? `the API answered ${response.status}`,
      error?.details,
    );
  }
  return json as T;
}

/** `path` without a leading slash, e.g. `api/accounts`; `query` values are encoded. */
export function apiUrl(path: string, query: Readonly<Record<string, string | number | undefined>> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return qs === "" ? path : `${path}?${qs}`;
}

export async function getJson<T>(
  path: string,
  query?: Readonly<Record<string, string | number | undefined>>,
  signal?: AbortSignal,
): Promise<T> {
  return answer<T>(await fetch(apiUrl(path, query), { headers: { accept: "application/json" }, signal }));
}

export async function postJson<T>(path: string, body: unknown): Promise<T> {
  return answer<T>(
    await fetch(apiUrl(path), {
      method: "POST",
      headers: { accept: "application/json", "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
  );
}
