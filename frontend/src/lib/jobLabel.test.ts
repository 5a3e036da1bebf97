import { jobLabel } from "./jobLabel";

const id = "abcdef1234567890abcdef1234567890";

test("a first run shows its label", () => {
  expect(jobLabel({ id, label: "Autumn set", parent_id: null })).toBe("Autumn set");
});

test("a rerun shows its parent's label with the rerun mark the API gave it", () => {
  expect(jobLabel({ id, label: "Autumn set (Rerun abcdef)", parent_id: "p1" })).toBe("Autumn set (Rerun abcdef)");
});

test("a rerun renamed since keeps the rerun mark with its own short id", () => {
  expect(jobLabel({ id, label: "Renamed", parent_id: "p1" })).toBe("Renamed (Rerun abcdef)");
});

test("a job without a label shows its id", () => {
  expect(jobLabel({ id, label: "", parent_id: null })).toBe(id);
});
