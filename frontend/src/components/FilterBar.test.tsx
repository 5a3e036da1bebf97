import { render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";

import { FilterBar, jobOptions, type FilterControl } from "./FilterBar";

type Name = "status" | "job_id" | "q" | "from" | "to";
const CONTROLS: FilterControl<Name>[] = [
  { kind: "select", name: "status", label: "Status", options: [["", "All"], ["failed", "Failed"]] },
  { kind: "select", name: "job_id", label: "Job", testId: "filter-job", options: jobOptions([{ id: "j1", label: "Foxes" }]) },
  { kind: "search", name: "q", placeholder: "Label or id" },
  { kind: "dates", from: "from", to: "to" },
];
const EMPTY: Record<Name, string> = { status: "", job_id: "", q: "", from: "", to: "" };

/** The bar over state, as a page keeps it in the URL; every change it asks for is recorded. */
function Harness({ changes }: { changes: Partial<Record<Name, string>>[] }) {
  const [values, setValues] = useState(EMPTY);
  return (
    <FilterBar
      label="Filter things"
      idPrefix="things"
      controls={CONTROLS}
      values={values}
      onChange={(change) => {
        changes.push(change);
        setValues((current) => ({ ...current, ...change }));
      }}
    >
      <button type="button">Extra</button>
    </FilterBar>
  );
}

test("each control is labelled, in a search landmark, with the page's own controls after them", () => {
  render(<Harness changes={[]} />);
  const bar = screen.getByRole("search", { name: "Filter things" });
  for (const label of ["Status", "Job", "Search", "From", "To"]) expect(screen.getByLabelText(label)).toBeInTheDocument();
  expect(screen.getByLabelText("Job")).toHaveTextContent("All jobsFoxes");
  expect(bar.lastElementChild).toHaveTextContent("Extra");
});

test("a choice applies at once; the search applies once the typing pauses, or at once with Enter", async () => {
  const changes: Partial<Record<Name, string>>[] = [];
  render(<Harness changes={changes} />);
  const user = userEvent.setup();
  await user.selectOptions(screen.getByLabelText("Status"), "failed");
  expect(changes).toEqual([{ status: "failed" }]);
  await user.type(screen.getByLabelText("Search"), "red fox ");
  await waitFor(() => expect(changes).toContainEqual({ q: "red fox" }));
  expect(changes.filter((c) => "q" in c)).toEqual([{ q: "red fox" }]); // one search for the whole typing
  await new Promise((settled) => setTimeout(settled, 50)); // the page has re-rendered with it
  await user.type(screen.getByLabelText("Search"), "owl");
  expect(screen.getByLabelText("Search")).toHaveValue("red fox owl"); // the applied search ate no space
  await user.clear(screen.getByLabelText("Search"));
  await user.type(screen.getByLabelText("Search"), "owl{Enter}");
  expect(changes.at(-1)).toEqual({ q: "owl" });
});

test("each end of the date range bounds the other", async () => {
  render(<Harness changes={[]} />);
  const user = userEvent.setup();
  await user.type(screen.getByLabelText("From"), "2026-03-02");
  await user.type(screen.getByLabelText("To"), "2026-03-09");
  expect(screen.getByLabelText("To")).toHaveAttribute("min", "2026-03-02");
  expect(screen.getByLabelText("From")).toHaveAttribute("max", "2026-03-09");
});
