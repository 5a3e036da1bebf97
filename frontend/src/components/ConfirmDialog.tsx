// Ask before an action that cannot be undone (or that affects many objects). With
// `reasonLabel`, the user may say why (a rejection's reason).

import { useId, useState, type ReactNode } from "react";

import { Modal } from "./Modal";

type Props = {
  title: string;
  children: ReactNode;
  confirmLabel: string;
  danger?: boolean;
  reasonLabel?: string;
  busy?: boolean;
  confirmDisabled?: boolean;
  onConfirm: (reason: string) => void;
  onCancel: () => void;
};

export function ConfirmDialog(props: Props) {
  const { title, children, confirmLabel, danger = false, reasonLabel, busy = false, onConfirm, onCancel } = props;
  const id = useId();
  const [reason, setReason] = useState("");
  return (
    <Modal onClose={onCancel} labelledBy={`${id}-title`} className="dialog dialog-small" testId="confirm-dialog">
      <h2 id={`${id}-title`} className="dialog-title">
        {title}
      </h2>
      <div className="dialog-text">{children}</div>
      {reasonLabel ? (
        <div className="field">
          <label htmlFor={`${id}-reason`}>{reasonLabel}</label>
          <textarea
            id={`${id}-reason`}
            rows={3}
            maxLength={500}
            data-testid="confirm-reason"
            value={reason}
            onChange={(event) => setReason(event.target.value)}
          />
        </div>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="btn" onClick={onCancel} autoFocus>
          Cancel
        </button>
        <button
          type="button"
          className={danger ? "btn btn-danger" : "btn btn-primary"}
          data-testid="confirm-action"
          disabled={busy || props.confirmDisabled}
          onClick={() => onConfirm(reason.trim())}
        >
          {confirmLabel}
        </button>
      </div>
    </Modal>
  );
}
