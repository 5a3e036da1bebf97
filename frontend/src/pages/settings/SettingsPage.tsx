// #/settings: the workspace's default configuration for new jobs (every setting of seed 000's
// Edit Settings, in the settings form a job's Edit Settings uses too), its keywords file, and the
// write-only API keys.

import type { Json } from "../../components/ConfigForm/fields";
import { ApiKeysSection } from "../../components/ConfigForm/ApiKeysSection";
import { SettingsForm } from "../../components/ConfigForm/SettingsForm";
import { ErrorAlert } from "../../components/ErrorAlert";
import { useToast } from "../../components/Toasts";
import { useDefaultConfig } from "../../hooks/useDefaultConfig";
import { useTitle } from "../../hooks/useTitle";
import { useSaveSettings } from "../../queries/useSettings";

export function SettingsPage() {
  useTitle("Settings");
  const { config, setConfig, reset, error, settings } = useDefaultConfig();
  const save = useSaveSettings();
  const toast = useToast();

  if (error) return <ErrorAlert error={error} />;
  if (!settings || !config) return <p className="loading">Loading settings…</p>;

  const onSubmit = async (value: Json) => {
    const saved = await save.mutateAsync({ default_config: value as never });
    setConfig(saved.default_config as Json);
    toast("Settings saved: new jobs start from them", "success");
  };

  return (
    <>
      <div className="page-head">
        <div>
          <h1>Settings</h1>
          <p className="subtitle">The default configuration every new job starts from, and your API keys.</p>
        </div>
      </div>
      <ApiKeysSection masked={settings.api_keys as Record<string, string | null>} />
      <section className="card" aria-labelledby="defaults-title">
        <h2 id="defaults-title" className="card-title">
          Default job configuration
        </h2>
        <SettingsForm
          value={config}
          onChange={setConfig}
          onSubmit={onSubmit}
          submitLabel="Save settings"
          busyLabel="Saving…"
          secondary={{ label: "Discard changes", onClick: reset }}
          idPrefix="settings"
          testId="settings-form"
        />
      </section>
    </>
  );
}
