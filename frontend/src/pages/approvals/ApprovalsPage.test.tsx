import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import { ApprovalsPage } from "./ApprovalsPage";

afterEach(() => vi.unstubAllGlobals());

const image = (generation: number, qc_state = "pending") => ({
  id: `img${generation}`,
  job_id: "j1",
  status: qc_state === "qc_failed" ? "qc_failed" : "approved",
  generation,
  variation: 0,
  keyword: "owl",
  prompt: `an owl ${generation}`,
  thumbnail_url: `/t/${generation}.png`,
  url: `/i/${generation}.png`,
  qc_state,
  qc_reason: qc_state === "qc_failed" ? "too dark" : null,
});

function inbox() {
  return fakeApi({
    "GET /api/approvals": () => ({
      body: {
        items: [
          {
            job: { id: "j1", label: "Owls", status: "waiting_for_approval" },
            approval: { timeout_h: 2, default_action: "reject", deadline: "2030-01-01T12:00:00Z" },
            qc: { quality_check: true, approved: 3, qc_failed: 1, rejected: 0 },
            images: [image(0), image(1, "qc_failed"), image(2), image(3)],
            more_images: false,
          },
        ],
        next_cursor: null,
      },
    }),
    "POST /api/jobs/j1/approval/reject-images": async (request) => ({
      body: { rejected: ((await request.json()) as { image_ids: string[] }).image_ids, refused: [], job: { id: "j1", label: "Owls", status: "waiting_for_approval" } },
    }),
    "POST /api/jobs/j1/approve": () => ({ body: { job: { id: "j1", label: "Owls", status: "running" } } }),
  });
}

test("a waiting job shows its QC results, its timeout and its images; a QC-failed one cannot be marked", async () => {
  inbox();
  renderWithApp(<ApprovalsPage />);
  const entry = await screen.findByTestId("inbox-job");
  expect(within(entry).getByTestId("inbox-qc")).toHaveTextContent("QC: 3 passed, 1 failed");
  expect(within(entry).getByTestId("inbox-qc")).toHaveTextContent("rejected automatically at");
  expect(within(entry).getAllByTestId("inbox-image")).toHaveLength(4);
  expect(within(entry).getByLabelText("Reject image 2.1")).toBeDisabled();
  expect(within(entry).getByText("QC failed: too dark")).toBeInTheDocument();
});

test("two images marked are rejected in one request, then the job is approved", async () => {
  const api = inbox();
  renderWithApp(<ApprovalsPage />);
  const user = userEvent.setup();
  const entry = await screen.findByTestId("inbox-job");
  expect(within(entry).getByTestId("reject-images")).toBeDisabled();
  await user.click(within(entry).getByLabelText("Reject image 1.1"));
  await user.click(within(entry).getByLabelText("Reject image 4.1"));
  await user.click(within(entry).getByRole("button", { name: "Reject 2 image(s)" }));
  expect(await screen.findByText("2 image(s) rejected")).toBeInTheDocument();
  await user.click(within(entry).getByTestId("approve-job"));
  expect(await screen.findByText("“Owls” approved")).toBeInTheDocument();
  await waitFor(() =>
    expect(api.requests.filter((r) => r.method === "POST").map((r) => [r.path, r.body])).toEqual([
      ["/api/jobs/j1/approval/reject-images", { image_ids: ["img0", "img3"] }],
      ["/api/jobs/j1/approve", undefined],
    ]),
  );
});
