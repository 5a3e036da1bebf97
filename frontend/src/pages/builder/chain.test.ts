import { addBlock, blocksOf, findingsByBlock, moveBlock, removeBlock } from "./chain";

test("a block is added once, moved and removed by key", () => {
  let chain = blocksOf(["prompts", "generate"]);
  chain = addBlock(chain, "metadata");
  chain = addBlock(chain, "metadata");
  expect(chain.map((b) => b.name)).toEqual(["prompts", "generate", "metadata"]);
  chain = moveBlock(chain, 2, 1);
  expect(chain.map((b) => b.name)).toEqual(["prompts", "metadata", "generate"]);
  chain = removeBlock(chain, chain[0]!.key);
  expect(chain.map((b) => b.name)).toEqual(["metadata", "generate"]);
  expect(new Set(chain.map((b) => b.key)).size).toBe(2);
});

test("findings land on the block they name, the rest on the plan", () => {
  const report = {
    valid: true,
    errors: [],
    warnings: [
      { code: "runs_before_generation", message: "Metadata (metadata) runs before generation", index: 1 },
      { code: "missing_finalize", message: "the plan has no Finalize", index: null },
    ],
  };
  const { blocks, plan } = findingsByBlock(report, 3);
  expect(blocks[1]!.warnings.map((f) => f.code)).toEqual(["runs_before_generation"]);
  expect(blocks[0]!.warnings).toEqual([]);
  expect(plan.warnings.map((f) => f.code)).toEqual(["missing_finalize"]);
});
