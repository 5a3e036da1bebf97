import { cleanup, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import type { JobDetail } from "../../api/client";
import { fakeApi } from "../../test/fakeApi";
import { renderWithApp } from "../../test/render";
import { SettingsPage } from "../settings/SettingsPage";
import { EditSettingsModal } from "./EditSettingsModal";

afterEach(() => vi.unstubAllGlobals());

const CONFIG = {
  label: "Foxes",
  provider: "local",
  keywords: ["red fox"],
  keywords_file: { name: "shots.csv", entries: 3, columns: ["Subject"] },
  generations: 2,
  variations: 1,
  parameters: { dimensions: ["1024x1024"], format: "png", max_concurrency: 2, lora_enabled: false, lora: [], advanced_enabled: false, advanced: {} },
  processing: { remove_bg: false, convert: false, convert_format: "png", jpg_quality: 85, enhance: false, sharpening: 5, saturation: 1 },
  ai: { quality_check: false, metadata: false },
  debug: false,
  approval: false,
};

const JOB = { id: "j1", label: "Foxes at dawn", status: "completed", config_id: "c1", config: CONFIG, snapshot: CONFIG } as unknown as JobDetail;

function settings() {
  return { body: { settings: { default_config: CONFIG, api_keys: { openai: "••••abcd", runware: null, piapi: null, remove_bg: null }, export_folders: {} } } };
}

function openModal(patch: () => { status?: number; body?: unknown } = () => ({ body: { job: JOB } })) {
  const api = fakeApi({ "GET /api/settings": settings, "PATCH /api/jobs/j1": patch });
  const onSaved = vi.fn();
  renderWithApp(<EditSettingsModal job={JOB} onClose={() => undefined} onSaved={onSaved} />);
  return { api, onSaved, dialog: screen.getByTestId("edit-settings-dialog") };
}

test("a rename and a processing edit are saved as one PATCH carrying only what changed", async () => {
  const { api, onSaved, dialog } = openModal();
  const user = userEvent.setup();
  const label = within(dialog).getByLabelText("Label");
  expect(label).toHaveValue("Foxes at dawn"); // the job's own label, not its configuration's
  await user.clear(label);
  await user.type(label, "Foxes renamed");
  expect(within(dialog).queryByLabelText("JPG quality")).toBeNull();
  await user.click(within(dialog).getByLabelText("Convert images"));
  await user.selectOptions(within(dialog).getByLabelText("Convert format"), "jpg");
  await user.clear(within(dialog).getByLabelText("JPG quality"));
  await user.type(within(dialog).getByLabelText("JPG quality"), "70");
  await user.click(within(dialog).getByRole("button", { name: "Save Settings" }));
  await waitFor(() => expect(onSaved).toHaveBeenCalledOnce());
  const patch = api.requests.find((r) => r.method === "PATCH");
  expect(patch?.body).toEqual({
    label: "Foxes renamed",
    config: { processing: { ...CONFIG.processing, convert: true, convert_format: "jpg", jpg_quality: 70 } },
  });
});

test("the API's refusal is shown at the field it names and nothing closes", async () => {
  const { onSaved, dialog } = openModal(() => ({
    status: 400,
    body: { error: { code: "invalid_input", message: "must be an integer from 1 to 100", field: "config.processing.jpg_quality" } },
  }));
  const user = userEvent.setup();
  await user.click(within(dialog).getByLabelText("Convert images"));
  await user.selectOptions(within(dialog).getByLabelText("Convert format"), "jpg");
  await user.clear(within(dialog).getByLabelText("JPG quality"));
  await user.type(within(dialog).getByLabelText("JPG quality"), "250");
  await user.click(within(dialog).getByRole("button", { name: "Save Settings" }));
  expect(await within(dialog).findByTestId("error-processing.jpg_quality")).toHaveTextContent("from 1 to 100");
  expect(within(dialog).getByLabelText("JPG quality")).toHaveAttribute("aria-invalid", "true");
  expect(onSaved).not.toHaveBeenCalled();
});

test("keys are shown masked, and the keywords file is there for reference only", async () => {
  const { dialog } = openModal();
  await waitFor(() => expect(within(dialog).getByTestId("key-openai-masked")).toHaveTextContent("••••abcd"));
  expect(within(dialog).getByTestId("keywords-file-stored")).toHaveTextContent("shots.csv, 3 entries, columns Subject");
  expect(within(dialog).queryByLabelText("Upload a file")).toBeNull();
  expect(within(dialog).getByTestId("reruns-only")).toHaveTextContent("future reruns");
});

test("Edit Settings and the Settings page are the same form: the same sections and fields", async () => {
  const { dialog } = openModal();
  const shape = (root: HTMLElement) => ({
    sections: [...root.querySelectorAll("[data-section]")].map((node) => node.getAttribute("data-section")),
    fields: [...root.querySelectorAll("[data-field]")].map((node) => node.getAttribute("data-field")),
  });
  const modalShape = shape(within(dialog).getByTestId("edit-settings-form"));
  cleanup();
  renderWithApp(<SettingsPage />);
  const settingsShape = shape(await screen.findByTestId("settings-form"));
  expect(modalShape.sections).toEqual(["job", "prompts", "parameters", "processing", "ai", "advanced"]);
  expect(modalShape).toEqual(settingsShape);
});
