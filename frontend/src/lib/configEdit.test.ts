import { setPath } from "../components/ConfigForm/fields";
import { configChanges } from "./configEdit";

test("a nested edit sends its whole top-level object, and only what changed", () => {
  const before = { generations: 2, processing: { convert: false, jpg_quality: 85 }, debug: false };
  const after = setPath(setPath(before, "processing.convert", true), "processing.convert_format", "jpg");
  expect(configChanges(before, after)).toEqual({ processing: { convert: true, jpg_quality: 85, convert_format: "jpg" } });
  expect(before.processing.convert).toBe(false); // the original is left as it was
});

test("nothing changed sends nothing; a removed key is sent as null", () => {
  const before = { generations: 2, keywords_file: { name: "a.csv" } };
  expect(configChanges(before, { ...before })).toEqual({});
  expect(configChanges(before, { generations: 2 })).toEqual({ keywords_file: null });
});
