import { act, renderHook, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import type { Image } from "../../api/client";
import { GalleryPage } from "./GalleryPage";
import { useImageSelection } from "./useImageSelection";

afterEach(() => vi.unstubAllGlobals());

const image = (n: number) => ({ id: `img${n}`, job_id: "j1", status: "approved", keyword: `fox ${n}`, prompt: `a fox ${n}`, thumbnail_url: `/t/${n}.png`, url: `/i/${n}.png`, created_at: "2026-05-01T10:00:00Z" });
const COUNTS = { total: 5, approved: 5, qc_failed: 0, processing: 0, retry_pending: 0, retry_failed: 0 };

function gallery() {
  return fakeApi({
    "GET /api/images": (_request, url) =>
      url.searchParams.get("cursor")
        ? { body: { items: [image(3), image(4)], counts: null, counts_exact: true, next_cursor: null } }
        : { body: { items: [image(0), image(1), image(2)], counts: COUNTS, counts_exact: true, next_cursor: "page2" } },
    "GET /api/jobs": () => ({ body: { items: [{ id: "j1", label: "Foxes", status: "completed" }], next_cursor: null } }),
    // The whole filter matches far more than the pages loaded here: the server counts them.
    "POST /api/images/bulk/preview": () => ({ body: { matched: 1234, exact: true } }),
    "POST /api/images/bulk/delete": async (request) => {
      const body = (await request.json()) as { ids?: string[] };
      const total = body.ids ? body.ids.length : 1234;
      return { status: 202, body: { deletion: { id: "d1", kind: "images", status: "done", ids: body.ids ?? [], total, done: total } } };
    },
  });
}

const deletes = (api: ReturnType<typeof fakeApi>) => api.requests.filter((r) => r.path === "/api/images/bulk/delete").map((r) => r.body);

test("a selection made on the first page is kept as the next page loads, and a shift range spans both", async () => {
  const api = gallery();
  renderWithApp(<GalleryPage />, { path: "/gallery?job_id=j1", route: "/gallery" });
  const user = userEvent.setup();
  await screen.findAllByTestId("gallery-tile");
  await user.click(within(screen.getAllByTestId("gallery-tile")[1]!).getByLabelText("Select image"));
  await user.click(screen.getByTestId("gallery-more"));
  await waitFor(() => expect(screen.getAllByTestId("gallery-tile")).toHaveLength(5));
  await user.keyboard("{Shift>}");
  await user.click(within(screen.getAllByTestId("gallery-tile")[3]!).getByLabelText("Select image"));
  await user.keyboard("{/Shift}");
  expect(screen.getByTestId("selection-count")).toHaveTextContent("3 selected");
  await user.click(screen.getByTestId("delete-selected"));
  expect(screen.getByTestId("confirm-dialog")).toHaveTextContent("Delete 3 image(s)?");
  await user.click(screen.getByTestId("confirm-action"));
  expect(await screen.findByText("Deleted 3 image(s)")).toBeInTheDocument();
  expect(deletes(api)).toEqual([{ ids: ["img1", "img2", "img3"] }]);
});

test("select all matching sends the filter, not the ids loaded, after the server's count", async () => {
  const api = gallery();
  renderWithApp(<GalleryPage />, { path: "/gallery?job_id=j1", route: "/gallery" });
  const user = userEvent.setup();
  await screen.findAllByTestId("gallery-tile");
  await user.click(screen.getByTestId("select-all"));
  expect(await screen.findByText("All 1234 matching selected")).toBeInTheDocument();
  expect(screen.getAllByLabelText("Select image").every((box) => (box as HTMLInputElement).checked)).toBe(true);
  await user.click(screen.getByTestId("delete-selected"));
  const dialog = screen.getByTestId("confirm-dialog");
  expect(dialog).toHaveTextContent("Delete 1234 image(s) matching this filter?");
  expect(within(dialog).getByTestId("matched-count")).toHaveTextContent("1234 image(s) match this filter now (counted on the server)");
  await user.click(within(dialog).getByTestId("confirm-action"));
  expect(await screen.findByText("Deleted 1234 image(s)")).toBeInTheDocument();
  expect(deletes(api)).toEqual([{ filter: { sort: "newest", job_id: "j1" } }]);
  const previews = api.requests.filter((r) => r.path === "/api/images/bulk/preview");
  expect(previews[0]?.body).toEqual({ filter: { sort: "newest", job_id: "j1" } });
});

test("a change of the filter ends an 'all matching' selection; picked ids stay", () => {
  const items = [image(0), image(1)] as unknown as Image[];
  const { result, rerender } = renderHook(({ filter }) => useImageSelection(items, filter), { initialProps: { filter: { job_id: "j1" } } });
  act(() => result.current.toggle(0, false));
  act(() => result.current.selectAllMatching());
  expect(result.current.allMatching).toBe(true);
  expect(result.current.body()).toEqual({ filter: { job_id: "j1" } });
  rerender({ filter: { job_id: "j1", status: "approved" } as never });
  expect(result.current.allMatching).toBe(false);
  expect(result.current.isSelected(items[1]!)).toBe(false);
  act(() => result.current.toggle(1, false));
  expect(result.current.body()).toEqual({ ids: ["img0", "img1"] });
});
