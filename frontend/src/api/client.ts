// The console's only way to the backend: the public HTTP API, typed by the OpenAPI document
// (`schema.d.ts` is generated from it, never edited), with the bearer token. A 401 renews the
// ID token once and repeats the request; a second 401 signs the browser out.

import createClient from "openapi-fetch";

import { getToken, refreshToken, UNAUTHORIZED_EVENT } from "./auth";
import { ApiError, NETWORK_ERROR } from "./errors";
import type { components, paths } from "./schema";

export type Schemas = components["schemas"];
export type Job = Schemas["JobSummary"];
export type JobDetail = Schemas["JobDetail"];
export type JobStatus = Job["status"];
export type Image = Schemas["Image"];
export type LogLine = Schemas["LogLine"];
export type Export = Schemas["Export"];
export type JobConfig = Schemas["JobConfig"];

function withToken(request: Request): Request {
  const token = getToken();
  const copy = new Request(request);
  if (token) copy.headers.set("Authorization", `Bearer ${token}`);
  return copy;
}

/** fetch with the bearer token, renewing it once on a 401. */
export async function authFetch(input: Request): Promise<Response> {
  const spare = input.clone(); // a request body can be sent only once
  let response: Response;
  try {
    response = await fetch(withToken(input));
  } catch {
    throw NETWORK_ERROR;
  }
  if (response.status !== 401) return response;
  const renewal = await refreshToken();
  // No answer from the refresh route is not a refusal: keep the tokens, report the outage.
  if (renewal === "unreachable") throw NETWORK_ERROR;
  if (renewal === "renewed") {
    try {
      response = await fetch(withToken(spare));
    } catch {
      throw NETWORK_ERROR;
    }
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent(UNAUTHORIZED_EVENT));
  return response;
}

export const api = createClient<paths>({
  baseUrl: typeof window === "undefined" ? "" : window.location.origin,
  fetch: authFetch,
  headers: { Accept: "application/json" },
  cache: "no-store",
});

/** The data of an openapi-fetch answer, or its error envelope thrown as an ApiError. */
export function unwrap<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) throw new ApiError(result.response.status, result.error);
  return result.data as T;
}
