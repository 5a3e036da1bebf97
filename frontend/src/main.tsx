// The console's entry point: take the token from the URL, then render the app.

import { StrictMode } from "react";
import { createRoot } from "react-dom/client";

import { captureTokenFromUrl } from "./api/auth";
import "./styles.css";
import "./styles/responsive.css";

import { App } from "./app/App";

captureTokenFromUrl();

const root = document.getElementById("root");
if (!root) throw new Error("index.html has no #root");
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
