// Image Factory console: sign-in from the URL, hash routing, the header's "New job" button.

import { api, captureTokenFromUrl, forgetToken, getToken } from "./api.js";
import { fill, h } from "./dom.js";
import { dashboardView } from "./views/dashboard.js";
import { jobView } from "./views/job.js";
import { jobsView } from "./views/jobs.js";
import { openNewJobDialog } from "./views/newJob.js";

captureTokenFromUrl();

const main = document.getElementById("main");
const newJobButton = document.getElementById("new-job");
const navLinks = [...document.querySelectorAll("[data-nav]")];
let cleanup = null;

function parseHash() {
  const raw = window.location.hash.replace(/^#/, "") || "/";
  const [path, search] = raw.split("?");
  return { parts: path.split("/").filter(Boolean), query: new URLSearchParams(search || "") };
}

function highlightNav(section) {
  for (const link of navLinks) {
    if (link.dataset.nav === section) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

function leaveView() {
  if (cleanup) cleanup();
  cleanup = null;
  for (const dialog of document.querySelectorAll("dialog[open]")) dialog.close();
}

function showSignIn(rejected) {
  leaveView();
  highlightNav(null);
  newJobButton.disabled = true;
  document.title = "Sign in · Image Factory";
  fill(
    main,
    h(
      "section",
      { class: "card signin", "data-testid": "auth-required", role: "alert" },
      h("h1", {}, "Sign in to Image Factory"),
      h(
        "p",
        {},
        rejected
          ? "The API did not accept this browser's token. The local stack makes a new user pool every time it starts."
          : "This browser has no token for the Image Factory API yet.",
      ),
      h(
        "p",
        {},
        "Sign in with the URL printed by ",
        h("code", {}, "imgfactory dev"),
        " (the line starting with ",
        h("code", {}, "console:"),
        "), for example ",
        h("code", {}, "http://127.0.0.1:8000/?token=…"),
        ". Opening it signs this browser in.",
      ),
    ),
  );
}

function route() {
  leaveView();
  if (!getToken()) {
    showSignIn(false);
    return;
  }
  newJobButton.disabled = false;
  const { parts, query } = parseHash();
  window.scrollTo(0, 0);
  if (parts.length === 0 || (parts.length === 1 && parts[0] === "dashboard")) {
    highlightNav("dashboard");
    document.title = "Dashboard · Image Factory";
    cleanup = dashboardView(main);
  } else if (parts[0] === "jobs" && parts.length === 1) {
    highlightNav("jobs");
    document.title = "Jobs · Image Factory";
    cleanup = jobsView(main, query);
  } else if (parts[0] === "jobs" && parts.length === 2) {
    highlightNav("jobs");
    cleanup = jobView(main, decodeURIComponent(parts[1]));
  } else {
    highlightNav(null);
    fill(
      main,
      h(
        "section",
        { class: "card" },
        h("h1", {}, "Page not found"),
        h("p", {}, h("a", { href: "#/", class: "link" }, "Go to the dashboard")),
      ),
    );
  }
}

window.addEventListener("imgfactory:unauthorized", () => {
  forgetToken();
  showSignIn(true);
});
window.addEventListener("hashchange", route);
newJobButton.addEventListener("click", () => openNewJobDialog());
document.querySelector(".skip-link").addEventListener("click", (event) => {
  event.preventDefault(); // the hash is the router's
  main.focus();
});

// Say where the console runs (the local stack reports its AWS endpoint; a deployment does not).
api
  .health()
  .then((health) => {
    const pill = document.getElementById("env-pill");
    if (health && health.aws_endpoint) {
      pill.textContent = "Local stack";
      pill.title = `Offline stack, AWS endpoint ${health.aws_endpoint}`;
      pill.hidden = false;
    }
  })
  .catch(() => {});

route();
