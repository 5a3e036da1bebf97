import { render, screen } from "@testing-library/react";

import { StatusBadge } from "./StatusBadge";

test.each([
  ["waiting_for_approval", "Waiting for approval"],
  ["qc_failed", "QC failed"],
  ["retry_pending", "Retry pending"],
  ["completed", "Completed"],
  ["some_new_state", "Some new state"],
])("%s reads %s", (status, label) => {
  render(<StatusBadge status={status} />);
  const badge = screen.getByTestId("status-badge");
  expect(badge).toHaveTextContent(new RegExp(`^${label}$`));
  expect(badge).toHaveClass(`badge-${status}`);
});
