// A fake of the HTTP API for component tests: answers by method and path, records requests.

import { vi } from "vitest";

export type Answer = { status?: number; body?: unknown };
type Route = (request: Request, url: URL) => Answer | Promise<Answer>;

export function fakeApi(routes: Record<string, Route>) {
  const requests: { method: string; path: string; query: URLSearchParams; body: unknown }[] = [];
  const fetchMock = vi.fn(async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(input, "http://localhost"), init);
    const url = new URL(request.url);
    const text = await request.clone().text();
    requests.push({ method: request.method, path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined });
    const route = routes[`${request.method} ${url.pathname}`];
    const answer = route ? await route(request, url) : { status: 404, body: { error: { code: "not_found", message: `no route ${url.pathname}` } } };
    return new Response(answer.body === undefined ? null : JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: { "Content-Type": "application/json" },
    });
  });
  vi.stubGlobal("fetch", fetchMock);
  return { requests, fetchMock };
}
