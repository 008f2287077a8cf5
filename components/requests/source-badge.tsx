const LABEL: Record<string, string> = { claude: "from Claude", chatgpt: "from ChatGPT" };
const TITLE: Record<string, string> = {
  claude: "Imported from Claude's increase requests (Claude records no amount or reason)",
  chatgpt: "Filed through ChatGPT's custom request destination",
};

/** Marks a request that came from a vendor's own request flow; Allotment's own requests carry no mark. */
export function SourceBadge({ source }: { source: string }) {
  if (!source || source === "allotment") return null;
  return (
    <span
      className="rounded bg-violet-100 px-1.5 py-0.5 text-xs font-medium whitespace-nowrap text-violet-800"
      data-testid="request-source"
      title={TITLE[source] ?? `From ${source}`}
    >
      {LABEL[source] ?? `from ${source}`}
    </span>
  );
}
