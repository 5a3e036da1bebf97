import { render, screen, within } from "@testing-library/react";

import type { JobDetail } from "../../api/client";
import { SettingsOverview } from "./SettingsOverview";

const snapshot = {
  provider: "local",
  generations: 4,
  variations: 1,
  keywords: ["red fox"],
  parameters: { dimensions: ["1024x1024"], format: "png", max_concurrency: 2, enable_polling_timeout: true, polling_timeout_min: 15 },
  processing: { remove_bg: false, convert: false, convert_format: "png", jpg_quality: 85, enhance: false, sharpening: 5 },
  ai: { quality_check: false, metadata: false },
  debug: false,
};

function job(config: Record<string, unknown> | null): JobDetail {
  return { id: "j1", label: "J", status: "completed", progress: 100, images_planned: 4, created_at: null, phases: [], statistics: {}, config_id: config ? "c1" : null, snapshot, config } as unknown as JobDetail;
}

test("a setting changed since the run is marked, with both values side by side", () => {
  const current = { ...snapshot, generations: 6, processing: { ...snapshot.processing, convert: true, convert_format: "jpg", jpg_quality: 70 } };
  render(<SettingsOverview job={job(current)} />);
  const changed = screen.getAllByTestId("setting-diff");
  expect(changed.map((row) => row.getAttribute("data-path"))).toEqual([
    "generations",
    "processing.convert",
    "processing.convert_format",
    "processing.jpg_quality",
  ]);
  const quality = changed[3]!;
  expect(within(quality).getByTestId("as-run")).toHaveTextContent("85");
  expect(within(quality).getByTestId("current")).toHaveTextContent("70");
  expect(screen.getByTestId("settings-summary")).toHaveTextContent("4 settings changed since this job ran");
});

test("a dependent setting shows only where its toggle is on", () => {
  render(<SettingsOverview job={job(snapshot)} />);
  const processing = screen.getByTestId("settings-processing");
  expect(within(processing).queryByText("JPG quality")).toBeNull(); // convert is off in both
  expect(within(processing).queryByText("Sharpening")).toBeNull();
  expect(screen.queryAllByTestId("setting-diff")).toHaveLength(0);
  expect(screen.getByTestId("settings-summary")).toHaveTextContent("the same settings");
});

test("without current settings only the as-run column is shown", () => {
  render(<SettingsOverview job={job(null)} />);
  expect(screen.queryByText("Current (for reruns)")).toBeNull();
  expect(screen.getByTestId("settings-summary")).toHaveTextContent("no stored settings");
});
