import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import { QueuePage } from "./QueuePage";

afterEach(() => vi.unstubAllGlobals());

const START = "2030-01-01T10:30:00+00:00";
const item = (id: string, label: string, position: number) => ({ position, id, label, images: position * 2, status: "queued", created_at: START, estimated_start: START, eta_s: 60 });

function queue() {
  return fakeApi({
    "GET /api/queue": () => ({
      body: {
        running: { id: "r1", label: "Holder", status: "waiting_for_approval" },
        items: [item("a1", "First", 1), item("b2", "Second", 2)],
        scheduled: [{ id: "s1", label: "Night job", images: 3, status: "scheduled", scheduled_at: START, estimated_start: START, eta_s: 10 }],
        total: 2,
        next_cursor: null,
      },
    }),
    "POST /api/queue/cancel": async (request) => ({ body: { cancelled: ((await request.json()) as { ids: string[] }).ids, refused: [] } }),
  });
}

test("the queue lists the job holding the slot, then every waiting job in run order with its place and images", async () => {
  queue();
  renderWithApp(<QueuePage />);
  expect(await screen.findByTestId("queue-running")).toHaveTextContent("Holder");
  const rows = await screen.findAllByTestId("queue-row");
  expect(rows.map((row) => row.dataset.jobId)).toEqual(["a1", "b2"]);
  expect(rows.map((row) => within(row).getByTestId("queue-position").textContent)).toEqual(["1", "2"]);
  expect(rows[1]).toHaveTextContent("4 image(s)");
  expect(within(rows[0]!).getByRole("button", { name: "Move First (position 1)" })).toHaveAttribute("aria-roledescription", "sortable");
  expect(screen.getByTestId("scheduled-row")).toHaveTextContent("Night job");
});

test("jobs picked are cancelled together; a scheduled job has its own Cancel", async () => {
  const api = queue();
  renderWithApp(<QueuePage />);
  const user = userEvent.setup();
  await screen.findAllByTestId("queue-row");
  expect(screen.getByTestId("cancel-selected")).toBeDisabled();
  await user.click(screen.getByLabelText("Select First"));
  await user.click(screen.getByLabelText("Select Second"));
  await user.click(screen.getByTestId("cancel-selected"));
  expect(await screen.findByText("2 job(s) cancelled")).toBeInTheDocument();
  await user.click(screen.getByRole("button", { name: "Cancel Night job" }));
  await waitFor(() => expect(api.requests.filter((r) => r.path === "/api/queue/cancel").map((r) => r.body)).toEqual([{ ids: ["a1", "b2"] }, { ids: ["s1"] }]));
});
