/** What an action came to, in the words to show: `ok` picks the look and the role. */
export interface Outcome {
  ok: boolean;
  text: string;
}

/** The outcome of a failed call: the thrown message (fetchJson's carries the server's), or `fallback`. */
export function failure(e: unknown, fallback = "Failed"): Outcome {
  return { ok: false, text: e instanceof Error ? e.message : fallback };
}

/**
 * The line under a form or a button that says how a save, test or upload went: green with
 * role="status" when it worked, red with role="alert" when it did not (screen readers hear it
 * either way). Renders nothing while there is no outcome. `className` sets spacing and size
 * (text-sm unless given).
 */
export function OutcomeMessage({
  outcome,
  testId,
  className = "text-sm",
}: {
  outcome: Outcome | null;
  testId?: string;
  className?: string;
}) {
  if (!outcome) return null;
  return (
    <p
      role={outcome.ok ? "status" : "alert"}
      className={`${className} ${outcome.ok ? "text-emerald-700" : "text-red-700"}`}
      data-testid={testId}
    >
      {outcome.text}
    </p>
  );
}
