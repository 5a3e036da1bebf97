import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import { NewJobPage } from "./NewJobPage";

afterEach(() => vi.unstubAllGlobals());

const DEFAULTS = {
  label: null,
  provider: "local",
  keywords: [],
  keywords_file: null,
  generations: 3,
  variations: 1,
  parameters: { dimensions: ["1024x1024"], max_concurrency: 2, lora: [], advanced: {} },
  processing: { remove_bg: false, convert: true, convert_format: "jpg", jpg_quality: 70, enhance: false },
  ai: { quality_check: true, metadata: false },
  debug: false,
  approval: false,
};

function settings() {
  return { body: { settings: { default_config: DEFAULTS, api_keys: {}, export_folders: {} } } };
}

test("the form starts from the workspace's default settings", async () => {
  fakeApi({ "GET /api/settings": settings });
  renderWithApp(<NewJobPage />);
  expect(await screen.findByLabelText("Generations")).toHaveValue(3);
  expect(screen.getByLabelText("Convert images")).toBeChecked();
  expect(screen.getByLabelText("JPG quality")).toHaveValue(70);
  expect(screen.getByLabelText("AI quality check")).toBeChecked();
  expect(screen.getByLabelText("AI metadata")).not.toBeChecked();
});

test("the API's refusal is shown at the field it names, and the form keeps what was typed", async () => {
  const api = fakeApi({
    "GET /api/settings": settings,
    "POST /api/jobs": () => ({
      status: 400,
      body: { error: { code: "invalid_input", message: "generations must be an integer from 1 to 2500", field: "generations" } },
    }),
  });
  renderWithApp(<NewJobPage />);
  const user = userEvent.setup();
  await user.type(await screen.findByLabelText("Keywords"), "red fox");
  await user.clear(screen.getByLabelText("Generations"));
  await user.type(screen.getByLabelText("Generations"), "0");
  await user.click(screen.getByRole("button", { name: "Start job" }));

  expect(await screen.findByTestId("error-generations")).toHaveTextContent("from 1 to 2500");
  expect(screen.getByLabelText("Generations")).toHaveAttribute("aria-invalid", "true");
  expect(screen.getByLabelText("Generations")).toHaveValue(0);
  expect(screen.queryByTestId("form-error")).toBeNull();
  const posts = api.requests.filter((r) => r.method === "POST" && r.path === "/api/jobs");
  await waitFor(() => expect(posts).toHaveLength(1));
  expect(posts[0]!.body).toMatchObject({ config: { keywords: ["red fox"], generations: 0, processing: { jpg_quality: 70 } } });
});

test("an emptied keyword list is left out of the request rather than sent empty", async () => {
  const api = fakeApi({
    "GET /api/settings": settings,
    // Refused, so the page stays (this test is about what was sent).
    "POST /api/jobs": () => ({ status: 400, body: { error: { code: "invalid_input", message: "no", field: "generations" } } }),
  });
  renderWithApp(<NewJobPage />);
  const user = userEvent.setup();
  await user.click(await screen.findByRole("button", { name: "Start job" }));
  await waitFor(() => expect(api.requests.filter((r) => r.method === "POST" && r.path === "/api/jobs")).toHaveLength(1));
  const body = api.requests.find((r) => r.method === "POST" && r.path === "/api/jobs")!.body as { config: Record<string, unknown> };
  expect(body.config).not.toHaveProperty("keywords");
  expect(body.config.generations).toBe(3);
});

test("the JSON view says what is wrong with its text and changes nothing", async () => {
  const api = fakeApi({ "GET /api/settings": settings });
  renderWithApp(<NewJobPage />);
  const user = userEvent.setup();
  await user.click(await screen.findByText("JSON view (advanced)"));
  const box = screen.getByLabelText("The whole configuration as JSON");
  await user.clear(box);
  await user.type(box, "[[1]");
  await user.click(screen.getByRole("button", { name: "Apply JSON" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("must be a JSON object");
  expect(screen.getByLabelText("Generations")).toHaveValue(3);
  expect(api.requests.filter((r) => r.method === "POST" && r.path === "/api/jobs")).toHaveLength(0);
});

test("JSON applied in the JSON view fills the form", async () => {
  fakeApi({ "GET /api/settings": settings });
  renderWithApp(<NewJobPage />);
  const user = userEvent.setup();
  await user.click(await screen.findByText("JSON view (advanced)"));
  const box = screen.getByLabelText("The whole configuration as JSON");
  await user.clear(box);
  await user.click(box);
  await user.paste('{"generations": 9, "processing": {"enhance": true}}');
  await user.click(screen.getByRole("button", { name: "Apply JSON" }));
  expect(screen.getByLabelText("Generations")).toHaveValue(9);
  expect(screen.getByLabelText("Sharpening")).toBeInTheDocument();
  expect(screen.getByLabelText("JPG quality")).toHaveValue(70); // keys left out keep the defaults
});
