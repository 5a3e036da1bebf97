// An API error (400 with `field`) as the configuration form shows it: at the field it names when
// that field is on screen, above the form otherwise (a hidden dependent field, a key the form
// does not have).

import { ApiError, errorMessage } from "../../api/errors";
import { fieldForError, isVisible, type Json } from "./fields";

export type FormErrors = { fields: Record<string, string>; form: string | null };

export const NO_ERRORS: FormErrors = { fields: {}, form: null };

/** The field an error names: the API's `field`, or a check's own (a FormError's). */
function fieldOf(error: unknown): string | null {
  if (error instanceof ApiError) return error.field;
  const field = error instanceof Error ? (error as Error & { field?: unknown }).field : undefined;
  return typeof field === "string" ? field : null;
}

export function formErrors(error: unknown, config: Json, extra: Record<string, string> = {}): FormErrors {
  const message = errorMessage(error);
  const named = fieldOf(error);
  if (!named) return { fields: {}, form: message };
  const bare = named.replace(/^(default_config|config)\./, "").replace(/\[\d+\]$/, "");
  const own = extra[bare];
  if (own) return { fields: { [own]: message }, form: null };
  const field = fieldForError(named);
  if (field && isVisible(field, config)) return { fields: { [field.path]: message }, form: null };
  return { fields: {}, form: message };
}

/** Move the keyboard to the first field with an error, once it is rendered. */
export function focusFirstError(container: HTMLElement | null): void {
  setTimeout(() => {
    const target = container?.querySelector<HTMLElement>("[aria-invalid='true']");
    target?.focus();
  }, 0);
}
