// Edit Settings (seed 000), in the settings form the Settings page uses: the label (rename), the
// API keys (write-only, shown masked), the keywords file (read-only here), parameters, image
// processing (each dependent field only while its toggle is on), AI features and advanced. Saved
// settings are what future reruns use; this job and its images keep what they ran with. The
// API's validation errors are shown at the field they name.

import { useState } from "react";

import type { JobDetail } from "../../api/client";
import { ApiKeysSection } from "../../components/ConfigForm/ApiKeysSection";
import type { Json } from "../../components/ConfigForm/fields";
import { SettingsForm } from "../../components/ConfigForm/SettingsForm";
import { Modal } from "../../components/Modal";
import { configChanges } from "../../lib/configEdit";
import { useEditJob } from "../../queries/useEditJob";
import { useSettings } from "../../queries/useSettings";

type Props = {
  job: JobDetail;
  saveLabel?: string;
  onClose: () => void;
  onSaved: () => void;
};

/** The form's value: the job's current settings, with the job's own label in the label field
 * (a rename goes to the job; the configuration keeps its label). */
function formValue(job: JobDetail): Json {
  return { ...((job.config ?? {}) as Json), label: job.label };
}

export function EditSettingsModal({ job, saveLabel = "Save Settings", onClose, onSaved }: Props) {
  const [original] = useState(() => formValue(job));
  const [draft, setDraft] = useState<Json>(original);
  const settings = useSettings();
  const edit = useEditJob(job.id);

  const onSubmit = async (value: Json) => {
    const { label, ...config } = value;
    const { label: _label, ...before } = original;
    const renamed = typeof label === "string" ? label.trim() : label;
    await edit.mutateAsync({
      ...(renamed !== job.label ? { label: renamed as string } : {}),
      config: configChanges(before, config),
    });
    onSaved();
  };

  return (
    <Modal onClose={onClose} labelledBy="edit-settings-title" className="dialog dialog-wide" testId="edit-settings-dialog">
      <h2 id="edit-settings-title" className="dialog-title">
        Edit settings
      </h2>
      <p className="notice notice-info" data-testid="reruns-only">
        Saved settings affect future reruns of this job only. This job and the images it made keep the settings they ran
        with.
      </p>
      <ApiKeysSection masked={(settings.data?.api_keys ?? {}) as Record<string, string | null>} note="Keys belong to the workspace: every job uses them." />
      <SettingsForm
        value={draft}
        onChange={setDraft}
        onSubmit={onSubmit}
        submitLabel={saveLabel}
        busyLabel="Saving…"
        secondary={{ label: "Cancel", onClick: onClose }}
        keywordsFile="read-only"
        idPrefix="edit"
        testId="edit-settings-form"
        className="job-form settings-form"
      />
    </Modal>
  );
}
