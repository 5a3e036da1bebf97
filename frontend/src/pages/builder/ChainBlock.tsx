// One block of the chain: a drag handle (pointer or keyboard: Space, arrows, Space), its place,
// the findings of the last validation, and, expanded, the parameters it reads.

import { useSortable } from "@dnd-kit/sortable";

import { FieldControl } from "../../components/ConfigForm/FieldControl";
import { getPath, isVisible, setPath, type Json } from "../../components/ConfigForm/fields";
import type { Phase } from "../../queries/useBuilder";
import { fieldFromParameter } from "./blockFields";
import type { Block, BlockFindings } from "./chain";

type Props = {
  block: Block;
  index: number;
  phase: Phase | undefined;
  findings: BlockFindings;
  expanded: boolean;
  onToggle: () => void;
  onRemove: () => void;
  /** What the block shows: the workspace defaults with this chain's parameters over them. */
  shown: Json;
  params: Json;
  onParams: (next: Json) => void;
  errors: Record<string, string>;
};

export function ChainBlock({ block, index, phase, findings, expanded, onToggle, onRemove, shown, params, onParams, errors }: Props) {
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: block.key });
  const title = phase?.title ?? block.name;
  const fields = (phase?.parameters ?? []).map(fieldFromParameter);
  const bodyId = `block-${block.key}-body`;
  const state = findings.errors.length ? "error" : findings.warnings.length ? "warning" : "ok";
  return (
    <li
      ref={setNodeRef}
      className={`chain-block chain-block-${state}${isDragging ? " chain-block-dragging" : ""}`}
      style={{ transform: transform ? `translate3d(${transform.x}px, ${transform.y}px, 0)` : undefined, transition }}
      data-testid="chain-block"
      data-phase={block.name}
      data-state={state}
    >
      <div className="chain-block-head">
        <button
          type="button"
          ref={setActivatorNodeRef}
          className="btn btn-icon drag-handle"
          aria-label={`Reorder ${title} (step ${index + 1})`}
          {...attributes}
          {...listeners}
        >
          <span aria-hidden="true">⠿</span>
        </button>
        <span className="chain-index">{index + 1}.</span>
        <span className="chain-title">{title}</span>
        {findings.errors.length ? <span className="badge badge-failed">{findings.errors.length} error</span> : null}
        {findings.warnings.length ? <span className="badge badge-warning">{findings.warnings.length} warning</span> : null}
        <span className="topbar-spacer" />
        {fields.length ? (
          <button type="button" className="btn btn-sm" aria-expanded={expanded} aria-controls={bodyId} onClick={onToggle}>
            {expanded ? "Hide parameters" : "Parameters"}
          </button>
        ) : null}
        <button type="button" className="btn btn-sm btn-danger" onClick={onRemove} aria-label={`Remove ${title}`}>
          Remove
        </button>
      </div>
      {[...findings.errors, ...findings.warnings].length ? (
        <ul className="chain-findings">
          {findings.errors.map((f) => (
            <li key={`e-${f.code}`} className="finding finding-error" data-testid="block-error">
              <strong>Error:</strong> {f.message}
            </li>
          ))}
          {findings.warnings.map((f) => (
            <li key={`w-${f.code}`} className="finding finding-warning" data-testid="block-warning">
              <strong>Warning:</strong> {f.message}
            </li>
          ))}
        </ul>
      ) : null}
      {expanded && fields.length ? (
        <div className="chain-block-body config-grid" id={bodyId}>
          {fields.map((field) =>
            isVisible(field, shown) ? (
              <FieldControl
                key={field.path}
                field={field}
                config={shown}
                error={errors[field.path]}
                idPrefix={`block-${block.key}`}
                onChange={(next) => onParams(setPath(params, field.path, getPath(next, field.path)))}
              />
            ) : null,
          )}
        </div>
      ) : null}
    </li>
  );
}
