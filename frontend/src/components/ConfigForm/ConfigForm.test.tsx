import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";

import { ApiError } from "../../api/errors";
import { ConfigForm } from "./ConfigForm";
import { formErrors } from "./errors";
import { fieldForError, type Json } from "./fields";

const DEFAULTS: Json = {
  label: null,
  provider: "local",
  generations: 1,
  variations: 1,
  keywords: [],
  parameters: { dimensions: ["1024x1024"], enable_polling_timeout: true, lora_enabled: false, lora: [], advanced_enabled: false, advanced: {} },
  processing: { remove_bg: false, convert: false, convert_format: "png", jpg_quality: 85, enhance: false, sharpening: 5 },
  ai: { quality_check: true, metadata: true },
  debug: false,
};

function Harness({ initial = DEFAULTS, errors = {}, onValue }: { initial?: Json; errors?: Record<string, string>; onValue?: (v: Json) => void }) {
  const [value, setValue] = useState(initial);
  return (
    <ConfigForm
      value={value}
      errors={errors}
      onChange={(next) => {
        setValue(next);
        onValue?.(next);
      }}
    />
  );
}

test("JPG quality shows only while conversion is on and the format is JPG", async () => {
  const user = userEvent.setup();
  let last: Json = DEFAULTS;
  render(<Harness onValue={(v) => (last = v)} />);
  expect(screen.queryByLabelText("JPG quality")).not.toBeInTheDocument();
  expect(screen.queryByLabelText("Convert format")).not.toBeInTheDocument();
  await user.click(screen.getByLabelText("Convert images"));
  expect(screen.getByLabelText("Convert format")).toBeInTheDocument();
  expect(screen.queryByLabelText("JPG quality")).not.toBeInTheDocument();
  await user.selectOptions(screen.getByLabelText("Convert format"), "jpg");
  expect(screen.getByLabelText("JPG quality")).toHaveValue(85);
  expect(last.processing).toMatchObject({ convert: true, convert_format: "jpg" });
  await user.click(screen.getByLabelText("Convert images"));
  expect(screen.queryByLabelText("JPG quality")).not.toBeInTheDocument();
});

test("background removal's own settings show only while it is on", async () => {
  const user = userEvent.setup();
  render(<Harness />);
  for (const label of ["Remove.bg size", "On remove.bg failure", "Trim transparent background"]) {
    expect(screen.queryByLabelText(label)).not.toBeInTheDocument();
  }
  await user.click(screen.getByLabelText("Remove background"));
  for (const label of ["Remove.bg size", "On remove.bg failure", "Trim transparent background"]) {
    expect(screen.getByLabelText(label)).toBeInTheDocument();
  }
});

test("enhancement, LoRA and Runware advanced (with Runware only) reveal their fields", async () => {
  const user = userEvent.setup();
  render(<Harness />);
  expect(screen.queryByLabelText("Sharpening")).not.toBeInTheDocument();
  await user.click(screen.getByLabelText("Image enhancement"));
  expect(screen.getByLabelText("Sharpening")).toHaveValue(5);
  expect(screen.queryByLabelText("LoRA list")).not.toBeInTheDocument();
  await user.click(screen.getByLabelText("LoRA models"));
  expect(screen.getByLabelText("LoRA list")).toBeInTheDocument();
  expect(screen.queryByLabelText("Runware advanced settings")).not.toBeInTheDocument(); // the local provider
  await user.selectOptions(screen.getByLabelText("Image provider"), "runware");
  expect(screen.queryByLabelText("CFG scale")).not.toBeInTheDocument();
  await user.click(screen.getByLabelText("Runware advanced settings"));
  expect(screen.getByLabelText("CFG scale")).toBeInTheDocument();
});

test("Midjourney's own settings show only with the Midjourney provider", async () => {
  const user = userEvent.setup();
  render(<Harness />);
  expect(screen.queryByLabelText("Process mode")).not.toBeInTheDocument();
  await user.selectOptions(screen.getByLabelText("Image provider"), "midjourney");
  expect(screen.getByLabelText("Process mode")).toBeInTheDocument();
  expect(screen.getByLabelText("MJ version")).toBeInTheDocument();
  expect(screen.getByRole("group", { name: "Aspect ratios" })).toBeInTheDocument();
});

test("keywords typed one per line become a list, the text kept as typed", async () => {
  const user = userEvent.setup();
  let last: Json = DEFAULTS;
  render(<Harness onValue={(v) => (last = v)} />);
  const box = screen.getByLabelText("Keywords");
  await user.type(box, "red fox{Enter}{Enter}blue lake{Enter}");
  expect(box).toHaveValue("red fox\n\nblue lake\n");
  expect(last.keywords).toEqual(["red fox", "blue lake"]);
});

test("numbers are sent as numbers and an API error shows at its field", async () => {
  const user = userEvent.setup();
  let last: Json = DEFAULTS;
  const { rerender } = render(<Harness onValue={(v) => (last = v)} />);
  const generations = screen.getByLabelText("Generations");
  await user.clear(generations);
  await user.type(generations, "12");
  expect(last.generations).toBe(12);
  const error = new ApiError(400, { error: { code: "invalid_input", message: "generations must be an integer from 1 to 2500", field: "default_config.generations" } });
  const shown = formErrors(error, last);
  expect(shown).toEqual({ fields: { generations: "generations must be an integer from 1 to 2500" }, form: null });
  rerender(<Harness errors={shown.fields} />);
  const field = screen.getByLabelText("Generations");
  expect(field).toHaveAttribute("aria-invalid", "true");
  expect(within(field.closest(".field") as HTMLElement).getByRole("alert")).toHaveTextContent("from 1 to 2500");
});

test("an error about a hidden field is shown above the form", () => {
  const error = new ApiError(400, { error: { message: "processing.jpg_quality must be an integer from 1 to 100", field: "default_config.processing.jpg_quality" } });
  expect(formErrors(error, DEFAULTS)).toEqual({ fields: {}, form: "processing.jpg_quality must be an integer from 1 to 100" });
});

test("error paths with list indexes name their list field", () => {
  expect(fieldForError("config.parameters.dimensions[2]")?.path).toBe("parameters.dimensions");
  expect(fieldForError("parameters.advanced.cfg_scale")?.path).toBe("parameters.advanced.cfg_scale");
  expect(fieldForError("colour")).toBeUndefined();
});
