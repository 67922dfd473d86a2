/** A SourceHttp that answers from a table of URL → body (or error), and records what was asked. */

import { FetchFailure } from "#shared/net/fetch-failure";
import type { FetchInit } from "#shared/net/safe-fetch";
import type { SourceHttp } from "../../../../../lambdas/faces/scrape/sources/types";

export type Answer = unknown | Error | { redirectTo: string; body: unknown };

export interface FakeHttp extends SourceHttp {
  calls: Array<{ url: string; init?: FetchInit }>;
}

export function fakeHttp(answers: Record<string, Answer>): FakeHttp {
  const calls: FakeHttp["calls"] = [];
  const answer = async (url: string, init?: FetchInit) => {
    calls.push({ url, init });
    if (!(url in answers)) {
      throw new FetchFailure("http-error", `HTTP 404 from ${url}`, { url, status: 404 });
    }
    const value = answers[url];
    if (value instanceof Error) throw value;
    if (typeof value === "object" && value !== null && "redirectTo" in value) {
      const { redirectTo, body } = value as { redirectTo: string; body: unknown };
      return { url: redirectTo, body };
    }
    return { url, body: value };
  };
  return {
    calls,
    fetchJson: answer,
    fetchText: async (url, init) => {
      const result = await answer(url, init);
      return { url: result.url, body: String(result.body) };
    },
  };
}
