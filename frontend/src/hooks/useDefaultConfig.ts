// The workspace's default configuration (Settings) as a form's starting point, for the Settings
// page and the New job form alike: read once, then the form's own, so a later read (another tab
// saving, a poll) never overwrites what is being typed. `reset` puts the last read back.

import { useEffect, useState } from "react";

import type { Json } from "../components/ConfigForm/fields";
import { useSettings } from "../queries/useSettings";

export function useDefaultConfig() {
  const settings = useSettings();
  const defaults = settings.data?.default_config as Json | undefined;
  const [config, setConfig] = useState<Json | null>(null);
  useEffect(() => {
    if (defaults && config === null) setConfig(defaults);
  }, [defaults, config]);
  return {
    /** The form's configuration; null until the defaults are read. */
    config,
    setConfig,
    /** The defaults as last read. */
    defaults,
    reset: () => setConfig(defaults ?? null),
    /** Why the defaults could not be read (only while there is nothing to show). */
    error: settings.error && !settings.data ? settings.error : null,
    settings: settings.data,
  };
}
