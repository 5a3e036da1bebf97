import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";

import type { Job } from "../../api/client";
import { DataTable, selectColumn } from "../../components/DataTable";
import { useJobSelection } from "./useJobSelection";

const job = (id: string, label: string): Job =>
  ({ id, label, status: "completed", progress: 100, images_planned: 1, created_at: null }) as Job;
const PAGES = [
  [job("a", "Alpha"), job("b", "Bravo")],
  [job("c", "Charlie"), job("d", "Delta")],
];

function Harness() {
  const [page, setPage] = useState(0);
  const rows = PAGES[page]!;
  const picked = useJobSelection(rows);
  return (
    <>
      <button onClick={() => setPage(page === 0 ? 1 : 0)}>other page</button>
      <output data-testid="picked">{picked.selection.mode === "ids" ? picked.selection.ids.join(",") : "matching"}</output>
      <button onClick={() => picked.selectMatching({ status: "completed" })}>all matching</button>
      <DataTable
        columns={[selectColumn<Job>((j) => j.label), { id: "label", header: "Label", cell: ({ row }) => row.original.label }]}
        data={rows}
        getRowId={(j) => j.id}
        empty={null}
        rowSelection={picked.rowSelection}
        onRowSelectionChange={picked.onRowSelectionChange}
      />
    </>
  );
}

test("a selection survives paging, in the order the jobs were picked", async () => {
  const user = userEvent.setup();
  render(<Harness />);
  await user.click(screen.getByLabelText("Select Bravo"));
  expect(screen.getByText("Select All (1/2)")).toBeInTheDocument();
  await user.click(screen.getByText("other page"));
  expect(screen.getByText("Select All (0/2)")).toBeInTheDocument();
  await user.click(screen.getByLabelText("Select Delta"));
  await user.click(screen.getByLabelText("Select Charlie"));
  expect(screen.getByTestId("picked")).toHaveTextContent("b,d,c");
  await user.click(screen.getByText("other page"));
  expect(screen.getByLabelText("Select Bravo")).toBeChecked();
  expect(screen.getByLabelText("Select Alpha")).not.toBeChecked();
  expect(screen.getByTestId("picked")).toHaveTextContent("b,d,c");
});

test("Select All ticks and unticks only the rows of the page on screen", async () => {
  const user = userEvent.setup();
  render(<Harness />);
  await user.click(screen.getByText("other page"));
  await user.click(screen.getByLabelText("Select Charlie"));
  await user.click(screen.getByText("other page"));
  await user.click(screen.getByTestId("select-page"));
  expect(screen.getByText("Select All (2/2)")).toBeInTheDocument();
  expect(screen.getByTestId("picked")).toHaveTextContent("c,a,b");
  await user.click(screen.getByTestId("select-page"));
  expect(screen.getByTestId("picked")).toHaveTextContent(/^c$/);
});

test("unticking a row of 'every matching job' leaves the other rows of the page", async () => {
  const user = userEvent.setup();
  render(<Harness />);
  await user.click(screen.getByText("all matching"));
  expect(screen.getByTestId("picked")).toHaveTextContent("matching");
  const table = screen.getByRole("table");
  expect(within(table).getByLabelText("Select Alpha")).toBeChecked();
  await user.click(within(table).getByLabelText("Select Alpha"));
  expect(screen.getByTestId("picked")).toHaveTextContent(/^b$/);
});
