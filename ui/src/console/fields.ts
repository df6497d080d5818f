/**
 * Where a refusal belongs in a form: the API names the field it refuses (A2), so the
 * message goes next to that field when the form has it, and above the form otherwise.
 */
import { ApiError, errorMessage } from './api';

export interface FormErrors {
  /** Messages by the form's field name. */
  byField: Record<string, string>;
  /** A message for the whole form (a refusal of no field this form shows, or a failure). */
  general: string | null;
}

export const NO_ERRORS: FormErrors = { byField: {}, general: null };

/**
 * Places `e` among `fields`. An API field may be nested (`loas.billing_telephone_number`);
 * `aliases` maps API fields onto the form's own names when they differ.
 */
export function formErrors(
  e: unknown,
  fields: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): FormErrors {
  if (e instanceof ApiError && e.field !== null) {
    const name = aliases[e.field] ?? e.field;
    if (fields.includes(name)) return { byField: { [name]: e.message }, general: null };
  }
  return { byField: {}, general: errorMessage(e) };
}

/** `id` of the element that shows `field`'s error, for `aria-describedby`. */
export function errorId(form: string, field: string): string {
  return `${form}-error-${field.replace(/[^a-z0-9_-]/gi, '-')}`;
}
