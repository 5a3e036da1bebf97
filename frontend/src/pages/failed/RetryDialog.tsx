// Retry the chosen failed images with their original settings, or with custom processing
// settings that apply to those images only (never to a job's configuration).

import { useId, useState } from "react";

import { Modal } from "../../components/Modal";
import type { RetryBody } from "../../queries/useImages";

type Props = { count: number; busy: boolean; onConfirm: (body: Omit<RetryBody, "ids">) => void; onCancel: () => void };

export function RetryDialog({ count, busy, onConfirm, onCancel }: Props) {
  const id = useId();
  const [mode, setMode] = useState<"original" | "custom">("original");
  const [p, setP] = useState({
    remove_bg: false,
    remove_bg_size: "auto",
    remove_bg_failure_mode: "mark_failed",
    trim_transparent: false,
    convert: true,
    convert_format: "webp",
    jpg_quality: 85,
    webp_quality: 85,
    jpg_background: "white",
    enhance: false,
    sharpening: 5,
    saturation: 1.4,
  });
  const [metadata, setMetadata] = useState(false);
  const set = (changes: Partial<typeof p>) => setP((current) => ({ ...current, ...changes }));
  const check = (name: keyof typeof p, label: string) => (
    <label>
      <input type="checkbox" data-testid={`retry-${name}`} checked={Boolean(p[name])} onChange={(e) => set({ [name]: e.target.checked })} /> {label}
    </label>
  );
  return (
    <Modal onClose={onCancel} labelledBy={`${id}-title`} className="dialog" testId="retry-dialog">
      <h2 id={`${id}-title`} className="dialog-title">
        Retry {count} image(s)
      </h2>
      <fieldset className="field">
        <legend>Settings</legend>
        <label>
          <input type="radio" name={`${id}-mode`} checked={mode === "original"} onChange={() => setMode("original")} /> Original settings
        </label>
        <label>
          <input type="radio" name={`${id}-mode`} data-testid="retry-custom" checked={mode === "custom"} onChange={() => setMode("custom")} /> Custom
          processing settings (these images only)
        </label>
      </fieldset>
      {mode === "custom" ? (
        <div className="form-grid" data-testid="retry-settings">
          {check("remove_bg", "Remove background")}
          {p.remove_bg ? (
            <>
              <label>
                Size{" "}
                <select value={p.remove_bg_size} onChange={(e) => set({ remove_bg_size: e.target.value })}>
                  {["auto", "preview", "full", "4k"].map((v) => (
                    <option key={v}>{v}</option>
                  ))}
                </select>
              </label>
              <label>
                On failure{" "}
                <select value={p.remove_bg_failure_mode} onChange={(e) => set({ remove_bg_failure_mode: e.target.value })}>
                  <option value="mark_failed">Mark failed</option>
                  <option value="approve">Approve</option>
                </select>
              </label>
              {check("trim_transparent", "Trim transparent background")}
            </>
          ) : null}
          {check("convert", "Convert")}
          {p.convert ? (
            <label>
              Format{" "}
              <select data-testid="retry-format" value={p.convert_format} onChange={(e) => set({ convert_format: e.target.value })}>
                <option value="png">PNG</option>
                <option value="jpg">JPG</option>
                <option value="webp">WEBP</option>
              </select>
            </label>
          ) : null}
          {p.convert && p.convert_format === "jpg" ? (
            <>
              <label>
                JPG quality <input type="number" min={1} max={100} value={p.jpg_quality} onChange={(e) => set({ jpg_quality: Number(e.target.value) })} />
              </label>
              <label>
                JPG background <input value={p.jpg_background} onChange={(e) => set({ jpg_background: e.target.value })} />
              </label>
            </>
          ) : null}
          {p.convert && p.convert_format === "webp" ? (
            <label>
              WebP quality <input type="number" min={1} max={100} value={p.webp_quality} onChange={(e) => set({ webp_quality: Number(e.target.value) })} />
            </label>
          ) : null}
          {check("enhance", "Enhance")}
          {p.enhance ? (
            <>
              <label>
                Sharpening <input type="number" min={0} max={10} step={0.5} value={p.sharpening} onChange={(e) => set({ sharpening: Number(e.target.value) })} />
              </label>
              <label>
                Saturation <input type="number" min={0} max={2} step={0.1} value={p.saturation} onChange={(e) => set({ saturation: Number(e.target.value) })} />
              </label>
            </>
          ) : null}
          <label>
            <input type="checkbox" checked={metadata} onChange={(e) => setMetadata(e.target.checked)} /> Write metadata again
          </label>
        </div>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="btn btn-primary"
          data-testid="retry-confirm"
          disabled={busy}
          onClick={() => onConfirm(mode === "custom" ? { mode, processing: p, ...(metadata ? { metadata } : {}) } as Omit<RetryBody, "ids"> : { mode })}
        >
          Retry
        </button>
      </div>
    </Modal>
  );
}
