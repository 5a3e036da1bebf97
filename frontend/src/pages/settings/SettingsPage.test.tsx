import { screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import { SettingsPage } from "./SettingsPage";

afterEach(() => vi.unstubAllGlobals());

const DEFAULTS = {
  label: null,
  provider: "local",
  keywords: [],
  generations: 3,
  variations: 1,
  parameters: { dimensions: ["1024x1024"], max_concurrency: 2, lora: [], advanced: {} },
  processing: { remove_bg: false, convert: false, convert_format: "png", jpg_quality: 85, enhance: false },
  ai: { quality_check: true, metadata: true },
  debug: false,
  approval: false,
};

function settingsWith(config: unknown) {
  return { body: { settings: { default_config: config, api_keys: { openai: null, runware: null, piapi: null, remove_bg: null }, export_folders: {} } } };
}

test("the defaults fill the form; a save sends them and keeps what the API stored", async () => {
  const api = fakeApi({
    "GET /api/settings": () => settingsWith(DEFAULTS),
    "PUT /api/settings": async (request) => settingsWith((await request.json()).default_config),
  });
  renderWithApp(<SettingsPage />);
  const user = userEvent.setup();
  const generations = await screen.findByLabelText("Generations");
  expect(generations).toHaveValue(3);
  expect(screen.getByLabelText("AI metadata")).toBeChecked();
  await user.clear(generations);
  await user.type(generations, "7");
  await user.click(screen.getByRole("button", { name: "Save settings" }));
  expect(await screen.findByText("Settings saved: new jobs start from them")).toBeInTheDocument();
  const put = api.requests.find((r) => r.method === "PUT");
  expect(put?.body).toEqual({ default_config: { ...DEFAULTS, generations: 7 } });
  expect(screen.getByLabelText("Generations")).toHaveValue(7);
});

test("a refused default is shown at its field; Discard changes puts the stored ones back", async () => {
  fakeApi({
    "GET /api/settings": () => settingsWith(DEFAULTS),
    "PUT /api/settings": () => ({
      status: 400,
      body: { error: { code: "invalid_input", message: "must be an integer from 1 to 2500", field: "default_config.generations" } },
    }),
  });
  renderWithApp(<SettingsPage />);
  const user = userEvent.setup();
  const generations = await screen.findByLabelText("Generations");
  await user.clear(generations);
  await user.type(generations, "9000");
  await user.click(screen.getByRole("button", { name: "Save settings" }));
  expect(await screen.findByTestId("error-generations")).toHaveTextContent("from 1 to 2500");
  await waitFor(() => expect(generations).toHaveFocus()); // the keyboard goes to the first error
  await user.click(screen.getByRole("button", { name: "Discard changes" }));
  expect(screen.getByLabelText("Generations")).toHaveValue(3);
  expect(screen.queryByTestId("error-generations")).toBeNull();
});

test("a settings read that fails says so instead of an empty form", async () => {
  fakeApi({ "GET /api/settings": () => ({ status: 403, body: { error: { code: "forbidden", message: "not yours" } } }) });
  renderWithApp(<SettingsPage />);
  expect(await screen.findByText(/not yours/)).toBeInTheDocument();
  expect(screen.queryByTestId("settings-form")).toBeNull();
});
