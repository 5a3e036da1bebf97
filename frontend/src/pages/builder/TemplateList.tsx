// The templates: predefined ones (full generation, reprocess images, …) and the workspace's own.

import type { Phase, Template } from "../../queries/useBuilder";

type Props = {
  templates: Template[] | undefined;
  phases: Phase[] | undefined;
  currentId: string | null;
  onLoad: (template: Template) => void;
  onDelete: (template: Template) => void;
};

export function TemplateList({ templates, phases, currentId, onLoad, onDelete }: Props) {
  const title = (name: string) => phases?.find((p) => p.name === name)?.title ?? name;
  if (!templates) return <p className="loading">Loading templates…</p>;
  return (
    <ul className="template-list" data-testid="templates">
      {templates.map((template) => (
        <li key={template.id} className="template-item" data-testid="template" data-template-id={template.id} aria-current={template.id === currentId || undefined}>
          <div className="template-head">
            <strong>{template.name}</strong>
            <span className="badge badge-neutral">{template.predefined ? "Predefined" : "Saved"}</span>
          </div>
          {template.description ? <p className="field-hint">{template.description}</p> : null}
          <p className="template-phases">{template.phases.map(title).join(" → ")}</p>
          <div className="template-actions">
            <button type="button" className="btn btn-sm" onClick={() => onLoad(template)} aria-label={`Load ${template.name}`}>
              Load
            </button>
            {template.predefined ? null : (
              <button type="button" className="btn btn-sm btn-danger" onClick={() => onDelete(template)} aria-label={`Delete ${template.name}`}>
                Delete
              </button>
            )}
          </div>
        </li>
      ))}
    </ul>
  );
}
