"use client";

import { useRouter } from "next/navigation";
import { createContext, useContext, useState } from "react";

import { OutcomeMessage, type Outcome } from "@/components/ui/outcome-message";

export interface FieldIssue {
  field: string;
  message: string;
}

export interface MutationError {
  message: string;
  /** field → message, for the form to show next to each field */
  fields: Record<string, string>;
  body: Record<string, unknown> | null;
}

/**
 * A JSON call to one of the people routes; on success the server components refresh (the
 * page's data is read on the server), on failure every field's message is kept by field name.
 */
export function usePeopleMutation() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<MutationError | null>(null);
  async function run<T>(
    url: string,
    method: "POST" | "PATCH" | "DELETE",
    body?: unknown,
    opts: { refresh?: boolean } = {},
  ): Promise<T | null> {
    setPending(true);
    setError(null);
    try {
      const res = await fetch(url, {
        method,
        headers:
          body === undefined
            ? { accept: "application/json" }
            : { accept: "application/json", "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = (await res.json().catch(() => null)) as
        | (Record<string, unknown> & { error?: string; field?: string; issues?: FieldIssue[] })
        | null;
      if (!res.ok) {
        const fields: Record<string, string> = {};
        for (const i of data?.issues ?? []) fields[i.field] ??= i.message;
        if (data?.field && data.error && !fields[data.field]) fields[data.field] = data.error;
        setError({
          message: data?.error ?? `The server answered ${res.status}`,
          fields,
          body: data,
        });
        return null;
      }
      if (opts.refresh !== false) router.refresh();
      return data as T;
    } catch {
      setError({
        message: "Could not reach the server: check your connection and try again",
        fields: {},
        body: null,
      });
      return null;
    } finally {
      setPending(false);
    }
  }
  return { run, pending, error, setError };
}

/** The error of the form a field is in (MutationForm), for its fields to show their own. */
const FormErrorContext = createContext<MutationError | null>(null);

/** A field's error: the given one, or else its form's. */
function useFieldError(error: MutationError | null | undefined): MutationError | null {
  const formError = useContext(FormErrorContext);
  return error === undefined ? formError : error;
}

/** The message for `field` under it; `error` defaults to the error of the form it is in. */
export function FieldError({
  error,
  field,
  id,
}: {
  error?: MutationError | null;
  field: string;
  id?: string;
}) {
  const message = useFieldError(error)?.fields[field];
  if (!message) return null;
  return (
    <p id={id} className="mt-1 text-xs text-red-700" data-testid={`error-${field}`}>
      {message}
    </p>
  );
}

export function FormError({ error, fields }: { error: MutationError | null; fields: string[] }) {
  if (!error) return null;
  // shown here only when no field of this form shows it
  if (Object.keys(error.fields).some((f) => fields.includes(f))) return null;
  return (
    <p
      className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
      role="status"
      data-testid="form-error"
    >
      {error.message}
    </p>
  );
}

export const inputClass =
  "w-full rounded-md border border-slate-300 bg-white px-2 py-1.5 text-sm focus:border-brand-500 focus:outline-none focus:ring-1 focus:ring-brand-500";
export const buttonClass =
  "rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-50";
export const secondaryButtonClass =
  "rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 disabled:opacity-50";
export const dangerButtonClass =
  "rounded-md border border-red-300 bg-white px-3 py-1.5 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-50";

/**
 * One field of a people or group form: its label (none when the control labels itself, as the
 * pickers do), the control, a hint under it, and the field's error under that.
 */
export function Field({
  id,
  label,
  error,
  field,
  errorId,
  hint,
  children,
}: {
  /** the control's id, for the label */
  id?: string;
  label?: React.ReactNode;
  /** the error to show (the form's when not given) */
  error?: MutationError | null;
  /** the field whose error shows under the control */
  field: string;
  /** the error's element id, for the control's aria-describedby */
  errorId?: string;
  hint?: React.ReactNode;
  children: React.ReactNode;
}) {
  return (
    <div>
      {label && (
        <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
          {label}
        </label>
      )}
      {children}
      {hint && <p className="mt-1 text-xs text-slate-500">{hint}</p>}
      <FieldError error={error} field={field} id={errorId} />
    </div>
  );
}

/** A labelled text input with its field's error under it (the people and group forms). */
export function TextField({
  id,
  label,
  value,
  onChange,
  error,
  field,
  errorId,
  type,
  placeholder,
  autoComplete,
}: {
  id: string;
  label: React.ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: MutationError | null;
  /** the field whose error shows under the input */
  field: string;
  /** the error's element id, for the input's aria-describedby */
  errorId?: string;
  type?: "email";
  placeholder?: string;
  autoComplete?: "off";
}) {
  return (
    <Field id={id} label={label} error={error} field={field} errorId={errorId}>
      <input
        id={id}
        type={type}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={inputClass}
        placeholder={placeholder}
        aria-describedby={errorId}
        autoComplete={autoComplete}
      />
    </Field>
  );
}

/**
 * The cost center field: optional on the add forms (people, service accounts, groups); on the
 * change forms (`editing`) it shows the current one, "none" when there is none.
 */
export function CostCenterField({
  id,
  value,
  onChange,
  error,
  editing = false,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error?: MutationError | null;
  editing?: boolean;
}) {
  return (
    <TextField
      id={id}
      label={
        editing ? (
          "Cost center"
        ) : (
          <>
            Cost center <span className="font-normal text-slate-500">(optional)</span>
          </>
        )
      }
      value={value}
      onChange={onChange}
      error={error}
      field="costCenter"
      placeholder={editing ? "none" : "e.g. CC-1024"}
    />
  );
}

/**
 * A change form's save: sends only what changed (a PATCH of `body`) and says "Saved." or, when
 * nothing changed, "Nothing changed." without a call. `say` puts another outcome in its place.
 */
export function useSaveChanges() {
  const mutation = usePeopleMutation();
  const [saved, setSaved] = useState<Outcome | null>(null);
  const say = (text: string | null) => setSaved(text === null ? null : { ok: true, text });
  async function saveChanges(url: string, body: Record<string, unknown>) {
    say(null);
    if (!Object.keys(body).length) return say("Nothing changed.");
    if (await mutation.run(url, "PATCH", body)) say("Saved.");
  }
  return { ...mutation, saved, say, saveChanges };
}

/** What every people or group form has: its name, its fields, which of them show their own error. */
interface FormFrame {
  /** the form's accessible name */
  label: string;
  testId?: string;
  onSubmit: (e: React.FormEvent) => void;
  /** the fields that show their own errors */
  fields: string[];
  children: React.ReactNode;
}

/**
 * The frame of a people or group form: the fields (children) show their own errors from
 * `error`, then the error that no field of `fields` shows, then `footer` (the buttons).
 */
function MutationForm({
  label,
  testId,
  onSubmit,
  fields,
  children,
  error,
  footer,
}: FormFrame & { error: MutationError | null; footer: React.ReactNode }) {
  return (
    <form
      onSubmit={onSubmit}
      className="space-y-4"
      aria-label={label}
      data-testid={testId}
      noValidate
    >
      <FormErrorContext value={error}>{children}</FormErrorContext>
      <FormError error={error} fields={fields} />
      {footer}
    </form>
  );
}

/** A form that adds something: its fields, then Add (or Create) and Cancel. */
export function AddForm({
  mutation,
  submit,
  pendingText,
  onClose,
  ...frame
}: FormFrame & {
  mutation: { pending: boolean; error: MutationError | null };
  submit: string;
  pendingText: string;
  onClose: () => void;
}) {
  const { pending, error } = mutation;
  const actions = { pending, submit, pendingText, onClose };
  return <MutationForm {...frame} error={error} footer={<FormActions {...actions} />} />;
}

/** A form that changes something (useSaveChanges): its fields, what the save came to, Save and Close. */
export function ChangeForm({
  save,
  savedTestId,
  onClose,
  ...frame
}: FormFrame & {
  save: ReturnType<typeof useSaveChanges>;
  savedTestId: string;
  onClose: () => void;
}) {
  const footer = (
    <>
      <OutcomeMessage outcome={save.saved} testId={savedTestId} />
      <FormActions
        pending={save.pending}
        submit="Save changes"
        pendingText="Saving…"
        onClose={onClose}
        closeText="Close"
        wrap
      />
    </>
  );
  return <MutationForm {...frame} error={save.error} footer={footer} />;
}

/** A form's submit button (its pending text while the call runs) and the button that closes it. */
function FormActions({
  pending,
  submit,
  pendingText,
  onClose,
  closeText = "Cancel",
  wrap = false,
}: {
  pending: boolean;
  submit: string;
  pendingText: string;
  onClose: () => void;
  closeText?: string;
  /** let the buttons wrap on narrow screens */
  wrap?: boolean;
}) {
  return (
    <div className={wrap ? "flex flex-wrap gap-2" : "flex gap-2"}>
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? pendingText : submit}
      </button>
      <button type="button" onClick={onClose} className={secondaryButtonClass}>
        {closeText}
      </button>
    </div>
  );
}
