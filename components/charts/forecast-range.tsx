/**
 * "Runs out" as a range (lib/forecast/projection.ts): the earliest day on the forecast band's high
 * side, the latest on its low side. One wording for the Overview, My budget and Limits.
 */

interface Props {
  /** earliest run-out (high side); null = not this period even on the high side */
  earliest: string | null;
  /** latest run-out (low side); null = maybe not this period */
  latest: string | null;
  testId?: string;
}

/** The sentence, for places that need text (banners, alerts). */
export function runOutText(earliest: string | null, latest: string | null): string | null {
  if (!earliest) return null;
  if (latest === earliest) return `runs out on ${earliest}`;
  if (!latest) return `may run out from ${earliest} (or last the period)`;
  return `runs out between ${earliest} and ${latest}`;
}

export function ForecastRange({ earliest, latest, testId = "runs-out" }: Props) {
  const text = runOutText(earliest, latest);
  if (!text) return <span data-testid={testId}>lasts the period on the forecast</span>;
  return (
    <span className="font-medium text-amber-700" data-testid={testId}>
      {text}
    </span>
  );
}
