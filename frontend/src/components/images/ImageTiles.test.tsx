import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";

import type { Image } from "../../api/client";
import { ImageTiles } from "./ImageTiles";

const image = (id: string, extra: Partial<Image> = {}) =>
  ({ id, job_id: "j1", status: "approved", keyword: `kw ${id}`, prompt: `a photo of ${id}`, thumbnail_url: `/t/${id}.png`, url: `/i/${id}.png`, ...extra }) as Image;

test("a tile shows its thumbnail, keyword and QC status, and opens on a click", async () => {
  const opened: number[] = [];
  const images = [image("a"), image("b", { status: "qc_failed", thumbnail_url: null, url: null })];
  render(<ImageTiles images={images} prefix="image" srcOf={(i) => i.thumbnail_url ?? null} onOpen={(n) => opened.push(n)} />);
  const tiles = screen.getAllByTestId("image-tile");
  expect(within(tiles[0]!).getByTestId("image-thumb")).toHaveAttribute("src", "/t/a.png");
  expect(tiles[0]).toHaveTextContent("kw a");
  expect(within(tiles[1]!).getByText("No preview")).toBeInTheDocument(); // a failed generation
  expect(within(tiles[1]!).getByTestId("status-badge")).toHaveTextContent("QC failed");
  expect(screen.queryByLabelText("Select image")).toBeNull(); // no selection: no checkboxes
  await userEvent.setup().click(within(tiles[1]!).getByRole("button", { name: "View image: kw b" }));
  expect(opened).toEqual([1]);
});

test("with a selection, each tile's checkbox says whether it is chosen and passes the shift key", async () => {
  const toggles: [number, boolean][] = [];
  render(
    <ImageTiles
      images={[image("a"), image("b"), image("c")]}
      prefix="gallery"
      srcOf={(i) => i.thumbnail_url ?? null}
      onOpen={() => undefined}
      lazy
      selection={{ isSelected: (i) => i.id === "b", onToggle: (n, shift) => toggles.push([n, shift]) }}
    />,
  );
  const boxes = screen.getAllByLabelText("Select image");
  expect(boxes.map((box) => (box as HTMLInputElement).checked)).toEqual([false, true, false]);
  expect(screen.getAllByTestId("gallery-thumb")[0]).toHaveAttribute("loading", "lazy");
  const user = userEvent.setup();
  await user.click(boxes[0]!);
  await user.keyboard("{Shift>}");
  await user.click(boxes[2]!);
  await user.keyboard("{/Shift}");
  expect(toggles).toEqual([
    [0, false],
    [2, true],
  ]);
});
