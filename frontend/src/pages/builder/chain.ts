// The chain being built: blocks in order (each with a stable key for drag and drop), and the
// validation report mapped onto them by index.

import type { PlanReport } from "../../queries/useBuilder";

export type Block = { key: string; name: string };
export type Finding = PlanReport["errors"][number];

let counter = 0;
function newKey(name: string): string {
  counter += 1;
  return `${name}-${counter}`;
}

export function blocksOf(names: readonly string[]): Block[] {
  return names.map((name) => ({ key: newKey(name), name }));
}

export function addBlock(chain: readonly Block[], name: string): Block[] {
  return chain.some((block) => block.name === name) ? [...chain] : [...chain, { key: newKey(name), name }];
}

export function removeBlock(chain: readonly Block[], key: string): Block[] {
  return chain.filter((block) => block.key !== key);
}

export function moveBlock(chain: readonly Block[], from: number, to: number): Block[] {
  const next = [...chain];
  if (from < 0 || from >= next.length || to < 0 || to >= next.length) return next;
  const [moved] = next.splice(from, 1);
  next.splice(to, 0, moved as Block);
  return next;
}

export type BlockFindings = { errors: Finding[]; warnings: Finding[] };

/** The report's findings per block index, and those about the plan as a whole. */
export function findingsByBlock(report: PlanReport | null, length: number): { blocks: BlockFindings[]; plan: BlockFindings } {
  const blocks = Array.from({ length }, () => ({ errors: [] as Finding[], warnings: [] as Finding[] }));
  const plan: BlockFindings = { errors: [], warnings: [] };
  for (const [kind, list] of [
    ["errors", report?.errors ?? []],
    ["warnings", report?.warnings ?? []],
  ] as const) {
    for (const finding of list) {
      const index = finding.index;
      const target = typeof index === "number" && index >= 0 && index < length ? blocks[index] : plan;
      (target as BlockFindings)[kind].push(finding);
    }
  }
  return { blocks, plan };
}
