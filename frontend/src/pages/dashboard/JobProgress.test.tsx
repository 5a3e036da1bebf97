import { render, screen } from "@testing-library/react";

import { JobProgress } from "./JobProgress";
import { progressView } from "./progressRules";

const QC = [{ name: "prompts" }, { name: "generate" }, { name: "quality_check" }, { name: "finalize" }];
const NO_QC = [{ name: "prompts" }, { name: "generate" }, { name: "finalize" }];

function job(extra: Record<string, unknown>) {
  return { id: "a1b2c3d4", label: "Foxes", status: "running", progress: 0, images_planned: 10, images_ok: 0, images_failed: 0, ...extra };
}

function shown() {
  return {
    value: screen.getByRole("progressbar").getAttribute("aria-valuenow"),
    text: screen.getByTestId("current-percent").textContent,
    width: (screen.getByRole("progressbar").firstElementChild as HTMLElement).style.width,
    count: screen.getByTestId("current-count").textContent,
  };
}

test("one image shows 0 % while it runs, even if a message said more", () => {
  render(<JobProgress job={job({ images_planned: 1, progress: 60 })} phases={NO_QC} />);
  expect(shown()).toMatchObject({ value: "0", text: "0%", width: "0%" });
  expect(shown().count).toContain("0 / 1 image");
  expect(shown().count).toContain("shows 100 % when it is done");
});

test("one image shows 100 % once the job is completed", () => {
  render(<JobProgress job={job({ images_planned: 1, images_ok: 1, progress: 100, status: "completed" })} phases={NO_QC} />);
  expect(shown()).toMatchObject({ value: "100", text: "100%", width: "100%" });
  expect(shown().count).toBe("1 / 1 image");
});

test("N images move the bar per image and count the generations done", () => {
  render(<JobProgress job={job({ progress: 42, images_ok: 3, images_failed: 1 })} phases={NO_QC} />);
  expect(shown()).toMatchObject({ value: "42", text: "42%" });
  expect(shown().count).toBe("4 / 10 images");
});

test("with a quality check the bar holds at 95 % until the job ends", () => {
  const { rerender } = render(<JobProgress job={job({ progress: 99, images_ok: 10 })} phases={QC} />);
  expect(shown()).toMatchObject({ value: "95", text: "95%", width: "95%" });
  expect(shown().count).toContain("until the quality check ends");
  rerender(<JobProgress job={job({ progress: 100, images_ok: 10, status: "completed" })} phases={QC} />);
  expect(shown()).toMatchObject({ value: "100", text: "100%" });
});

test("an unfinished job never shows 100 %, with or without a quality check", () => {
  expect(progressView({ status: "running", progress: 100, images_planned: 4 }).percent).toBe(99);
  expect(progressView({ status: "running", progress: 100, images_planned: 4, phases: QC }).percent).toBe(95);
  expect(progressView({ status: "cancelled", progress: 100, images_planned: 4 }).percent).toBe(99);
  expect(progressView({ status: "running", progress: 30, images_planned: 4, phases: QC }).percent).toBe(30);
});

test("a late, lower reading never moves the bar back", () => {
  const { rerender } = render(<JobProgress job={job({ progress: 80, images_ok: 8 })} phases={NO_QC} />);
  rerender(<JobProgress job={job({ progress: 60, images_ok: 6 })} phases={NO_QC} />);
  expect(shown()).toMatchObject({ value: "80", text: "80%" });
  rerender(<JobProgress job={job({ id: "another", progress: 10, images_ok: 1 })} phases={NO_QC} />);
  expect(shown()).toMatchObject({ value: "10" }); // another job starts from its own value
});
