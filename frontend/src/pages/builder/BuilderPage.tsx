// #/builder (seed 002): chain phases as blocks, set each block's parameters, validate the order,
// run the chain as a job, save it as a named template; the predefined templates load here too.
// `?template=<id>` names the template being edited, so a reload reopens it.

import "./builder.css";

import { closestCenter, DndContext, type DragEndEvent } from "@dnd-kit/core";
import { SortableContext, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { useEffect, useMemo, useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";

import { ApiError, errorMessage } from "../../api/errors";
import { formErrors, NO_ERRORS, type FormErrors } from "../../components/ConfigForm/errors";
import { jobRequestConfig, mergeConfig, type Json } from "../../components/ConfigForm/fields";
import { ConfirmDialog } from "../../components/ConfirmDialog";
import { ErrorAlert } from "../../components/ErrorAlert";
import { SORTABLE_INSTRUCTIONS, useSortableAnnouncements, useSortableSensors } from "../../components/sortable";
import { useToast } from "../../components/Toasts";
import { useTitle } from "../../hooks/useTitle";
import { useDeleteTemplate, usePhases, useSaveTemplate, useTemplates, useValidatePlan, type Phase, type PlanReport, type Template } from "../../queries/useBuilder";
import { useStartJob } from "../../queries/useJobActions";
import { useSettings } from "../../queries/useSettings";
import { addBlock, blocksOf, findingsByBlock, moveBlock, removeBlock, type Block } from "./chain";
import { ChainBlock } from "./ChainBlock";
import { TemplateList } from "./TemplateList";

export function BuilderPage() {
  useTitle("Job Builder");
  const phases = usePhases();
  const templates = useTemplates();
  const settings = useSettings();
  const validate = useValidatePlan();
  const saveTemplate = useSaveTemplate();
  const deleteTemplate = useDeleteTemplate();
  const start = useStartJob();
  const toast = useToast();
  const navigate = useNavigate();
  const [search, setSearch] = useSearchParams();
  const [chain, setChain] = useState<Block[]>([]);
  const [params, setParams] = useState<Json>({});
  const [name, setName] = useState("");
  const [source, setSource] = useState<Template | null>(null);
  const [report, setReport] = useState<PlanReport | null>(null);
  const [expanded, setExpanded] = useState<Set<string>>(new Set());
  const [errors, setErrors] = useState<FormErrors>(NO_ERRORS);
  const [deleting, setDeleting] = useState<Template | null>(null);
  const sensors = useSortableSensors();

  const load = (template: Template) => {
    setChain(blocksOf(template.phases));
    setParams((template.config ?? {}) as Json);
    setName(template.predefined ? `${template.name} (copy)` : template.name);
    setSource(template);
    setReport(null);
    setErrors(NO_ERRORS);
    setExpanded(new Set());
    setSearch(template.predefined ? {} : { template: template.id }, { replace: true });
  };

  const wanted = search.get("template");
  useEffect(() => {
    if (!wanted || source?.id === wanted || !templates.data) return;
    const found = templates.data.find((t) => t.id === wanted);
    if (found) load(found);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [wanted, templates.data]);

  const changeChain = (next: Block[]) => {
    setChain(next);
    setReport(null); // the findings were about another order
  };
  const byName = useMemo(() => new Map<string, Phase>((phases.data ?? []).map((p) => [p.name, p])), [phases.data]);
  const titleOf = (name: string) => byName.get(name)?.title ?? name;
  const { announcements, onDragStart } = useSortableAnnouncements(
    chain.map((block) => ({ id: block.key, label: titleOf(block.name) })),
    "step",
  );
  const shown = mergeConfig((settings.data?.default_config ?? {}) as Json, params);
  const names = chain.map((block) => block.name);
  const findings = findingsByBlock(report, chain.length);
  const needsImages = names.length > 0 && !names.includes("generate");

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = chain.findIndex((b) => b.key === active.id);
    const to = chain.findIndex((b) => b.key === over.id);
    changeChain(moveBlock(chain, from, to));
  };

  const onValidate = () =>
    validate.mutate(names, {
      onSuccess: (result) => {
        setReport(result);
        const count = result.errors.length + result.warnings.length;
        toast(count ? `${result.errors.length} error(s), ${result.warnings.length} warning(s)` : "The plan looks right", count ? "info" : "success");
      },
      onError: (error) => toast(errorMessage(error), "error"),
    });

  const apiError = (error: unknown) => {
    if (error instanceof ApiError && error.status === 401) return;
    setErrors(formErrors(error, shown, { name: "name" }));
  };

  const onSave = (event: FormEvent, asNew = false) => {
    event.preventDefault();
    setErrors(NO_ERRORS);
    const id = source && !source.predefined && !asNew ? source.id : null;
    saveTemplate.mutate(
      { id, body: { name, phases: names, config: params } },
      {
        onSuccess: (saved) => {
          setSource(saved);
          setSearch({ template: saved.id }, { replace: true });
          toast(`Template “${saved.name}” saved`, "success");
        },
        onError: apiError,
      },
    );
  };

  const onRun = () => {
    setErrors(NO_ERRORS);
    const config = { ...jobRequestConfig(params), plan: names };
    const body = { config, ...(name.trim() ? { label: name.trim() } : {}) };
    start.mutate(body, {
      onSuccess: (job) => {
        toast(job.status === "queued" && job.queue_position && job.queue_position > 1 ? `Job queued: position ${job.queue_position}` : `Job “${job.label}” started`, "success");
        navigate(`/jobs/${encodeURIComponent(job.id)}`);
      },
      onError: apiError,
    });
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Job Builder</h1>
          <p className="subtitle">Chain phases into a plan, set their parameters, check the order, then run or save it.</p>
        </div>
      </div>
      <div className="builder">
        <section className="card builder-palette" aria-labelledby="palette-title">
          <h2 id="palette-title" className="card-title">
            Phases
          </h2>
          {phases.error ? <ErrorAlert error={phases.error} /> : null}
          <ul className="palette" data-testid="palette">
            {(phases.data ?? []).map((phase) => {
              const used = names.includes(phase.name);
              return (
                <li key={phase.name}>
                  <button
                    type="button"
                    className="palette-block"
                    data-testid={`add-${phase.name}`}
                    disabled={used}
                    onClick={() => changeChain(addBlock(chain, phase.name))}
                  >
                    <span className="palette-title">
                      {used ? "✓ " : "+ "}
                      {phase.title}
                    </span>
                    <span className="palette-text">{phase.description}</span>
                  </button>
                </li>
              );
            })}
          </ul>
        </section>
        <section className="card builder-chain" aria-labelledby="chain-title">
          <h2 id="chain-title" className="card-title">
            Chain
          </h2>
          <form noValidate onSubmit={(event) => onSave(event)} data-testid="builder-form">
            <div className="field">
              <label htmlFor="builder-name">Name</label>
              <input
                id="builder-name"
                type="text"
                autoComplete="off"
                maxLength={100}
                value={name}
                onChange={(event) => setName(event.target.value)}
                aria-invalid={errors.fields.name ? true : undefined}
                aria-describedby={errors.fields.name ? "builder-name-error" : "builder-name-hint"}
              />
              <p className="field-hint" id="builder-name-hint">
                The template's name, and the label of a job run from here.
              </p>
              {errors.fields.name ? (
                <p className="field-error" id="builder-name-error" role="alert">
                  {errors.fields.name}
                </p>
              ) : null}
            </div>
            {errors.form ? (
              <div className="notice notice-error" role="alert" data-testid="builder-error">
                {errors.form}
              </div>
            ) : null}
            {[...findings.plan.errors, ...findings.plan.warnings].length ? (
              <ul className="chain-findings" data-testid="plan-findings">
                {findings.plan.errors.map((f) => (
                  <li key={f.code} className="finding finding-error">
                    <strong>Error:</strong> {f.message}
                  </li>
                ))}
                {findings.plan.warnings.map((f) => (
                  <li key={f.code} className="finding finding-warning">
                    <strong>Warning:</strong> {f.message}
                  </li>
                ))}
              </ul>
            ) : null}
            {report && !report.errors.length && !report.warnings.length ? (
              <p className="notice notice-success" role="status">
                No problems found.
              </p>
            ) : null}
            {chain.length ? (
              <DndContext
                sensors={sensors}
                collisionDetection={closestCenter}
                accessibility={{ announcements, screenReaderInstructions: SORTABLE_INSTRUCTIONS }}
                onDragStart={onDragStart}
                onDragEnd={onDragEnd}
              >
                <SortableContext items={chain.map((b) => b.key)} strategy={verticalListSortingStrategy}>
                  <ol className="chain" data-testid="chain" aria-label="Phases in order">
                    {chain.map((block, index) => (
                      <ChainBlock
                        key={block.key}
                        block={block}
                        index={index}
                        phase={byName.get(block.name)}
                        findings={findings.blocks[index] ?? { errors: [], warnings: [] }}
                        expanded={expanded.has(block.key)}
                        onToggle={() => {
                          const next = new Set(expanded);
                          if (next.has(block.key)) next.delete(block.key);
                          else next.add(block.key);
                          setExpanded(next);
                        }}
                        onRemove={() => changeChain(removeBlock(chain, block.key))}
                        shown={shown}
                        params={params}
                        onParams={setParams}
                        errors={errors.fields}
                      />
                    ))}
                  </ol>
                </SortableContext>
              </DndContext>
            ) : (
              <p className="empty-hint" data-testid="chain-empty">
                Click a phase to add it, or load a template.
              </p>
            )}
            {needsImages ? (
              <p className="notice" role="note">
                Without image generation this plan works on an existing job's images. Running it on a chosen job is not
                available yet: save it as a template for now.
              </p>
            ) : null}
            <div className="form-actions">
              <button type="button" className="btn" onClick={onValidate} disabled={!chain.length || validate.isPending} data-testid="validate-plan">
                {validate.isPending ? "Validating…" : "Validate"}
              </button>
              <button type="submit" className="btn" disabled={!chain.length || saveTemplate.isPending} data-testid="save-template">
                {source && !source.predefined ? "Save template" : "Save as template"}
              </button>
              {source && !source.predefined ? (
                <button type="button" className="btn" onClick={(event) => onSave(event, true)} disabled={!chain.length || saveTemplate.isPending}>
                  Save as new
                </button>
              ) : null}
              <button type="button" className="btn btn-primary" onClick={onRun} disabled={!chain.length || needsImages || start.isPending} data-testid="run-chain">
                {start.isPending ? "Starting…" : "Run as job"}
              </button>
            </div>
          </form>
        </section>
        <section className="card builder-templates" aria-labelledby="templates-title">
          <h2 id="templates-title" className="card-title">
            Templates
          </h2>
          {templates.error ? <ErrorAlert error={templates.error} /> : null}
          <TemplateList templates={templates.data} phases={phases.data} currentId={source?.id ?? null} onLoad={load} onDelete={setDeleting} />
        </section>
      </div>
      {deleting ? (
        <ConfirmDialog
          title={`Delete “${deleting.name}”?`}
          confirmLabel="Delete template"
          danger
          busy={deleteTemplate.isPending}
          onCancel={() => setDeleting(null)}
          onConfirm={() =>
            deleteTemplate.mutate(deleting.id, {
              onSuccess: () => {
                toast(`Template “${deleting.name}” deleted`, "success");
                if (source?.id === deleting.id) {
                  setSource(null);
                  setSearch({}, { replace: true });
                }
                setDeleting(null);
              },
              onError: (error) => toast(errorMessage(error), "error"),
            })
          }
        >
          The template is removed for good. Jobs that ran from it keep their plan.
        </ConfirmDialog>
      ) : null}
    </>
  );
}
