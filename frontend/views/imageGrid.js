// A job's images from GET /api/images?job_id=…: tiles, "Load more", a larger view on click.

import { api } from "../api.js";
import { emptyState, statusBadge, updateStatusBadge } from "../components.js";
import { h, setText } from "../dom.js";
import { formatDateTime, humanize } from "../format.js";

const PAGE = 24;
const MAX_PAGE = 200; // the API's largest page

function detailRow(term, value) {
  return [h("dt", {}, term), h("dd", {}, value === null || value === undefined || value === "" ? "—" : value)];
}

/** {"stage", "category", "message"} → "Conversion failed: <message>". */
function failureText(failure) {
  if (!failure) return null;
  if (typeof failure === "string") return failure;
  const head = failure.category || failure.stage || "Failed";
  return failure.message ? `${head}: ${failure.message}` : head;
}

function openImage(image) {
  const src = image.url || image.thumbnail_url;
  const size = image.width && image.height ? `${image.width} × ${image.height}` : null;
  const close = h("button", { type: "button", class: "btn", "data-testid": "close-image" }, "Close");
  const dialog = h(
    "dialog",
    { class: "dialog dialog-image", "aria-label": `Image ${image.id}`, "data-testid": "image-dialog" },
    h(
      "div",
      { class: "image-view" },
      h("div", { class: "image-view-media" }, src ? h("img", { src, alt: image.prompt || image.keyword || "" }) : null),
      h(
        "div",
        { class: "image-view-info" },
        h("div", { class: "image-view-head" }, statusBadge(image.status, humanize(image.status))),
        h(
          "dl",
          { class: "details" },
          image.title ? detailRow("Title", image.title) : null,
          image.description ? detailRow("Description", image.description) : null,
          image.tags && image.tags.length ? detailRow("Tags", image.tags.join(", ")) : null,
          detailRow("Prompt", image.prompt),
          detailRow("Keyword", image.keyword),
          detailRow("Seed", image.seed),
          detailRow("Size", size),
          detailRow("Provider", image.provider),
          detailRow("Generation", `${image.generation + 1}, variation ${image.variation + 1}`),
          detailRow("Created", formatDateTime(image.created_at)),
          image.failure ? detailRow("Failure", failureText(image.failure)) : null,
        ),
        h(
          "div",
          { class: "dialog-actions" },
          src ? h("a", { href: src, target: "_blank", rel: "noopener", class: "btn" }, "Open original") : null,
          close,
        ),
      ),
    ),
  );
  close.addEventListener("click", () => dialog.close());
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close(); // a click on the backdrop
  });
  dialog.addEventListener("close", () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  close.focus();
}

export class ImageGrid {
  constructor(jobId) {
    this.jobId = jobId;
    this.tiles = new Map(); // image id → {tile, badge, image}
    this.cursor = null;
    this.count = h("span", { class: "card-count" });
    this.grid = h("div", { class: "image-grid", "data-testid": "image-grid" });
    this.empty = emptyState("No images yet", "Images appear here as the job makes them.");
    this.body = h("div", { class: "card-body" }, this.empty);
    this.more = h("button", { type: "button", class: "btn", hidden: true, "data-testid": "images-more" }, "Load more");
    this.more.addEventListener("click", () => this.loadMore().catch(() => {}));
    this.element = h(
      "section",
      { class: "card", "aria-labelledby": "images-title" },
      h("div", { class: "card-head" }, h("h2", { id: "images-title", class: "card-title" }, "Images"), this.count),
      this.body,
      h("div", { class: "card-foot" }, this.more),
    );
  }

  setTotals(ok, planned) {
    setText(this.count, `${ok} of ${planned} made`);
  }

  /** Re-read the pages on screen (statuses change, new images arrive while the job runs). */
  async refresh() {
    const limit = Math.min(MAX_PAGE, Math.max(PAGE, this.tiles.size));
    const page = await api.listImages({ job_id: this.jobId, limit });
    this.merge(page.items);
    if (this.tiles.size <= limit) this.cursor = page.next_cursor;
    this.more.hidden = !this.cursor;
  }

  async loadMore() {
    if (!this.cursor) return;
    this.more.disabled = true;
    try {
      const page = await api.listImages({ job_id: this.jobId, limit: PAGE, cursor: this.cursor });
      this.merge(page.items);
      this.cursor = page.next_cursor;
      this.more.hidden = !this.cursor;
    } finally {
      this.more.disabled = false;
    }
  }

  merge(images) {
    for (const image of images) {
      const known = this.tiles.get(image.id);
      if (known) {
        known.image = image;
        updateStatusBadge(known.badge, image.status, humanize(image.status));
        known.tile.dataset.status = image.status;
        continue;
      }
      this.tiles.set(image.id, this.tile(image));
    }
    if (this.tiles.size && this.empty.isConnected) this.body.replaceChildren(this.grid);
  }

  tile(image) {
    // Presigned URLs change on every read: keep the first one so the <img> never reloads.
    const src = image.thumbnail_url || image.url;
    const badge = statusBadge(image.status, humanize(image.status), { class: "badge-sm" });
    const entry = { image, badge, tile: null };
    const button = h(
      "button",
      {
        type: "button",
        class: "image-button",
        title: [image.prompt, failureText(image.failure)].filter(Boolean).join("\n"),
        "aria-label": `View image: ${image.keyword || image.id}`,
      },
      src
        ? h("img", { src, alt: image.prompt || image.keyword || "", decoding: "async", "data-testid": "image-thumb" })
        : h("span", { class: "image-missing" }, "No preview"),
    );
    button.addEventListener("click", () => openImage(entry.image));
    entry.tile = h(
      "figure",
      { class: "image-tile", "data-testid": "image-tile", "data-image-id": image.id, "data-status": image.status },
      button,
      h(
        "figcaption",
        {},
        h("span", { class: "image-keyword", title: image.prompt || "" }, image.keyword || "—"),
        badge,
      ),
    );
    this.grid.append(entry.tile);
    return entry;
  }
}
