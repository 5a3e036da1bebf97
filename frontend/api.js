// The console's only way to the backend: the public HTTP API (SPEC §6), with the bearer token.

const TOKEN_KEY = "imgfactory.token";
// The Cognito refresh token: ID tokens last an hour, the refresh token buys new ones
// (POST /api/auth/refresh) until it expires itself.
const REFRESH_KEY = "imgfactory.refresh_token";

export class ApiError extends Error {
  constructor(status, body) {
    const error = (body && body.error) || {};
    super(error.message || `The API answered HTTP ${status}`);
    this.name = "ApiError";
    this.status = status;
    this.code = error.code || "http_error";
    this.field = error.field || null;
  }
}

/** Take `?token=` (and `&refresh_token=`) from the address bar (the URL `imgfactory dev`
 * prints), keep them, hide them. */
export function captureTokenFromUrl() {
  const url = new URL(window.location.href);
  const token = url.searchParams.get("token");
  if (token === null) return;
  const refresh = url.searchParams.get("refresh_token");
  if (token.trim()) localStorage.setItem(TOKEN_KEY, token.trim());
  if (refresh && refresh.trim()) localStorage.setItem(REFRESH_KEY, refresh.trim());
  else localStorage.removeItem(REFRESH_KEY);
  url.searchParams.delete("token");
  url.searchParams.delete("refresh_token");
  window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
}

export function getToken() {
  return localStorage.getItem(TOKEN_KEY);
}

export function forgetToken() {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(REFRESH_KEY);
}

let refreshing = null;

/** A new ID token from the stored refresh token; false when there is none or it is refused. */
function refreshToken() {
  const refresh = localStorage.getItem(REFRESH_KEY);
  if (!refresh) return Promise.resolve(false);
  refreshing ??= fetch("/api/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ refresh_token: refresh }),
    cache: "no-store",
  })
    .then(async (response) => {
      if (!response.ok) return false;
      const { token } = await response.json();
      localStorage.setItem(TOKEN_KEY, token);
      return true;
    })
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

async function request(method, path, options = {}, retried = false) {
  const { params, body } = options;
  const url = new URL(path, window.location.origin);
  for (const [key, value] of Object.entries(params || {})) {
    if (value !== undefined && value !== null && value !== "") url.searchParams.set(key, String(value));
  }
  const headers = { Accept: "application/json" };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  let payload;
  if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(url, { method, headers, body: payload, cache: "no-store" });
  } catch {
    throw new ApiError(0, {
      error: {
        code: "network_error",
        message: "Cannot reach the Image Factory API. Is `imgfactory dev` still running?",
      },
    });
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (response.status === 401 && !retried && (await refreshToken())) {
    return request(method, path, options, true); // the ID token had expired: again with the new one
  }
  if (response.status === 401) window.dispatchEvent(new CustomEvent("imgfactory:unauthorized"));
  if (!response.ok) throw new ApiError(response.status, data);
  return data;
}

const enc = encodeURIComponent;

export const api = {
  health: () => request("GET", "/api/health"),
  listJobs: (params) => request("GET", "/api/jobs", { params }),
  getJob: (id) => request("GET", `/api/jobs/${enc(id)}`),
  startJob: (body) => request("POST", "/api/jobs", { body }),
  /** stop, force-stop, pause, resume, rerun, approve, reject: each answers {"job": {...}}. */
  jobAction: (id, action, body) => request("POST", `/api/jobs/${enc(id)}/${action}`, { body }),
  jobLogs: (id, params) => request("GET", `/api/jobs/${enc(id)}/logs`, { params }),
  listImages: (params) => request("GET", "/api/images", { params }),
};
