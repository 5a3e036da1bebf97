import { render, screen } from "@testing-library/react";

import { ProgressBar } from "./ProgressBar";

test.each([
  [42.4, "42"],
  [-5, "0"],
  [180, "100"],
  [null, "0"],
])("progress %s shows as %s%%, drawn to match", (value, shown) => {
  render(<ProgressBar value={value} />);
  const bar = screen.getByRole("progressbar");
  expect(bar).toHaveAttribute("aria-valuenow", shown);
  expect(screen.getByTestId("progress-value")).toHaveTextContent(`${shown}%`);
  expect(bar.firstElementChild).toHaveStyle({ width: `${shown}%` });
});
