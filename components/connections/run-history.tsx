import { ScrollArea } from "@/components/ui/scroll-area";

export interface RunView {
  id: string;
  connectionName: string;
  windowStart: string;
  windowEnd: string;
  status: string;
  trigger: string;
  pages: number;
  rowsRead: number;
  rowsInserted: number;
  rowsUpdated: number;
  rowsUnchanged: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

const STATUS: Record<string, string> = {
  RUNNING: "bg-blue-100 text-blue-800",
  SUCCEEDED: "bg-emerald-100 text-emerald-800",
  FAILED: "bg-red-100 text-red-800",
};

export function RunHistory({ runs }: { runs: RunView[] }) {
  if (runs.length === 0) return <p className="text-sm text-slate-600">No sync runs yet.</p>;
  return (
    <ScrollArea label="Sync runs">
      <table className="w-full text-sm [&_td]:px-2 [&_th]:px-2" data-testid="run-history">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs tracking-wide text-slate-500 uppercase">
            <th className="py-2">Started</th>
            <th>Connection</th>
            <th>Window</th>
            <th>Status</th>
            <th className="text-right">Pages</th>
            <th className="text-right">Read</th>
            <th className="text-right">Inserted</th>
            <th className="text-right">Updated</th>
            <th className="text-right">Unchanged</th>
            <th>Trigger</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((r) => (
            <tr key={r.id} className="border-b border-slate-100 align-top">
              <td className="py-1.5 whitespace-nowrap">
                {r.startedAt.slice(0, 19).replace("T", " ")} UTC
              </td>
              <td>{r.connectionName}</td>
              <td className="whitespace-nowrap text-slate-600">
                {r.windowStart} → {r.windowEnd}
              </td>
              <td>
                <span
                  className={`rounded px-2 py-0.5 text-xs ${STATUS[r.status] ?? ""}`}
                  data-testid="run-status"
                >
                  {r.status.toLowerCase()}
                </span>
                {r.error && <p className="mt-1 max-w-md text-xs text-red-700">{r.error}</p>}
              </td>
              <td className="tabular text-right">{r.pages}</td>
              <td className="tabular text-right">{r.rowsRead}</td>
              <td className="tabular text-right">{r.rowsInserted}</td>
              <td className="tabular text-right">{r.rowsUpdated}</td>
              <td className="tabular text-right">{r.rowsUnchanged}</td>
              <td className="text-slate-600">{r.trigger}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollArea>
  );
}
