import { configChanges, setAt, settingPathOf } from "./configEdit";

test("a nested edit sends its whole top-level object, and only what changed", () => {
  const before = { generations: 2, processing: { convert: false, jpg_quality: 85 }, debug: false };
  const after = setAt(setAt(before, "processing.convert", true), "processing.convert_format", "jpg");
  expect(configChanges(before, after)).toEqual({ processing: { convert: true, jpg_quality: 85, convert_format: "jpg" } });
  expect(before.processing.convert).toBe(false); // the original is left as it was
});

test("an API field names the setting it refers to", () => {
  expect(settingPathOf("config.processing.jpg_quality")).toBe("processing.jpg_quality");
  expect(settingPathOf("parameters.dimensions[0]")).toBe("parameters.dimensions");
  expect(settingPathOf(null)).toBeNull();
});
