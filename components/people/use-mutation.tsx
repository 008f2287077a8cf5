"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";

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

export function FieldError({
  error,
  field,
  id,
}: {
  error: MutationError | null;
  field: string;
  id?: string;
}) {
  const message = error?.fields[field];
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
  error: MutationError | null;
  /** the field whose error shows under the input */
  field: string;
  /** the error's element id, for the input's aria-describedby */
  errorId?: string;
  type?: "email";
  placeholder?: string;
  autoComplete?: "off";
}) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium text-slate-700">
        {label}
      </label>
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
      <FieldError error={error} field={field} id={errorId} />
    </div>
  );
}

/** The optional cost center field of the add forms (people, service accounts, groups). */
export function CostCenterField({
  id,
  value,
  onChange,
  error,
}: {
  id: string;
  value: string;
  onChange: (value: string) => void;
  error: MutationError | null;
}) {
  return (
    <TextField
      id={id}
      label={
        <>
          Cost center <span className="font-normal text-slate-500">(optional)</span>
        </>
      }
      value={value}
      onChange={onChange}
      error={error}
      field="costCenter"
      placeholder="e.g. CC-1024"
    />
  );
}

/** A form's submit button (its pending text while the call runs) and the button that closes it. */
export function FormActions({
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
