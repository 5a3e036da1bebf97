import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import { currentJob, DashboardPage } from "./DashboardPage";

afterEach(() => vi.unstubAllGlobals());

const SOON = "2030-01-01T10:00:00+00:00";
const item = (id: string, label: string, position: number) => ({ position, id, label, images: 4, status: "queued", created_at: SOON, estimated_start: SOON, eta_s: 30 });

function detail(id: string, label: string, status: string) {
  return { job: { id, label, status, progress: 20, images_planned: 4, images_ok: 1, images_failed: 0, created_at: SOON, started_at: SOON, phases: [], statistics: {} } };
}

function dashboard(queue: unknown) {
  return fakeApi({
    "GET /api/queue": () => ({ body: queue }),
    "GET /api/jobs": () => ({ body: { items: [], next_cursor: null } }),
    "GET /api/jobs/run1": () => ({ body: detail("run1", "Long run", "running") }),
    "GET /api/jobs/next1": () => ({ body: detail("next1", "Next run", "queued") }),
    "GET /api/jobs/run1/logs": () => ({ body: { lines: [], next: 0 } }),
    "GET /api/jobs/next1/logs": () => ({ body: { lines: [], next: 0 } }),
    "GET /api/stats": () => ({ body: { total: 0, completed: 0, failed: 0, success_rate: null, average_duration_s: null, total_images: 0 } }),
    "GET /api/images": () => ({ body: { items: [], counts: null, next_cursor: null } }),
    "POST /api/queue/cancel": () => ({ body: { cancelled: ["later1"], refused: [] } }),
  });
}

test("the job holding the slot is the current job and the job queued behind it is next in the queue", async () => {
  dashboard({ running: { id: "run1", label: "Long run", status: "running" }, items: [item("next1", "Next run", 1)], scheduled: [], total: 1, next_cursor: null });
  renderWithApp(<DashboardPage />);
  expect(await screen.findByTestId("current-job")).toHaveAttribute("data-job-id", "run1");
  await screen.findByTestId("queue-row");
  const queue = screen.getByTestId("queue-panel");
  expect(within(queue).getByTestId("queue-queued")).toHaveTextContent("1");
  expect(within(queue).getByTestId("queue-next")).toHaveTextContent("Next up: Next run (position 1)");
  expect(within(queue).getAllByTestId("queue-row").map((row) => row.dataset.jobId)).toEqual(["next1"]);
  expect(screen.getByTestId("stop-job")).toHaveTextContent("Stop Job");
  expect(screen.getByTestId("start-job")).toHaveTextContent("Queue another job");
});

test("with no job holding the slot, the queue's head is followed as it starts and stays listed", async () => {
  dashboard({ running: null, items: [item("next1", "Next run", 1)], scheduled: [], total: 1, next_cursor: null });
  renderWithApp(<DashboardPage />);
  expect(await screen.findByTestId("current-job")).toHaveAttribute("data-job-id", "next1");
  expect(await screen.findByTestId("queue-row")).toHaveAttribute("data-job-id", "next1");
  expect(screen.getByTestId("queue-queued")).toHaveTextContent("1");
  expect(screen.getByTestId("queue-next")).toHaveTextContent("Next up: Next run");
});

test("a scheduled job is counted apart and its Cancel button cancels it", async () => {
  const api = dashboard({
    running: null,
    items: [],
    scheduled: [{ id: "later1", label: "Night job", images: 2, status: "scheduled", scheduled_at: SOON, estimated_start: SOON, eta_s: 10 }],
    total: 0,
    next_cursor: null,
  });
  renderWithApp(<DashboardPage />);
  expect(await screen.findByTestId("scheduled-row")).toHaveTextContent("Night job");
  expect(screen.getByTestId("queue-scheduled")).toHaveTextContent("1");
  expect(screen.getByTestId("queue-queued")).toHaveTextContent("0");
  expect(screen.queryByTestId("current-job")).toBeNull();
  await userEvent.setup().click(screen.getByRole("button", { name: "Cancel Night job" }));
  expect(await screen.findByText("Cancelled")).toBeInTheDocument();
  expect(api.requests.find((r) => r.path === "/api/queue/cancel")?.body).toEqual({ ids: ["later1"] });
});

test("currentJob: the slot's holder first, then the head of the queue, else none", () => {
  const head = item("next1", "Next run", 1);
  expect(currentJob({ running: { id: "run1", label: "Long run", status: "paused" }, items: [head] })).toMatchObject({ id: "run1", status: "paused" });
  expect(currentJob({ running: null, items: [head] })).toMatchObject({ id: "next1", status: "queued" });
  expect(currentJob({ running: null, items: [] })).toBeNull();
  expect(currentJob(undefined)).toBeNull();
});
