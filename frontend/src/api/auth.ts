// Sign-in from the URL `imgfactory dev` prints (?token=…&refresh_token=…) and ID token renewal
// through POST /api/auth/refresh. Tokens live in localStorage, under the keys the console has
// always used, so a browser signed in before stays signed in.

const TOKEN_KEY = "imgfactory.token";
// ID tokens last an hour; the Cognito refresh token buys new ones until it expires itself.
const REFRESH_KEY = "imgfactory.refresh_token";

/** Take `?token=` (and `&refresh_token=`) from the address bar, keep them, hide them. */
export function captureTokenFromUrl(): void {
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

export function getToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function forgetToken(): void {
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(REFRESH_KEY);
}

export type Renewal = "renewed" | "refused" | "unreachable";

let refreshing: Promise<Renewal> | null = null;

/** A new ID token from the stored refresh token: "refused" when there is none or the API says
 * no, "unreachable" when the request did not get an answer (the token may still be good).
 * Concurrent callers share one request. */
export function refreshToken(): Promise<Renewal> {
  const refresh = localStorage.getItem(REFRESH_KEY);
  if (!refresh) return Promise.resolve("refused");
  refreshing ??= fetch("/api/auth/refresh", {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ refresh_token: refresh }),
    cache: "no-store",
  })
    .then(async (response): Promise<Renewal> => {
      if (response.status >= 500) return "unreachable";
      if (!response.ok) return "refused";
      const { token } = (await response.json()) as { token: string };
      localStorage.setItem(TOKEN_KEY, token);
      return "renewed";
    })
    .catch((): Renewal => "unreachable")
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** Fired when the API refuses the token and renewal failed: the app shows the sign-in notice. */
export const UNAUTHORIZED_EVENT = "imgfactory:unauthorized";
