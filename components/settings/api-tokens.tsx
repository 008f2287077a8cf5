"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";

import { buttonClass } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { fetchJson } from "@/lib/client/fetch-json";
import { TOKEN_SCOPE_LABELS, TOKEN_SCOPES, type TokenScope } from "@/lib/tokens/scopes";

export interface TokenRow {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const when = (iso: string | null) => (iso ? iso.slice(0, 16).replace("T", " ") + " UTC" : "never");

/** Create (shown once, with a copy button), list and revoke (after a confirmation) API tokens. */
export function ApiTokens({ tokens }: { tokens: TokenRow[] }) {
  const router = useRouter();
  const [name, setName] = useState("");
  const [scopes, setScopes] = useState<TokenScope[]>(["budget:check"]);
  const [created, setCreated] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const [showRevoked, setShowRevoked] = useState(false);
  const revokedCount = tokens.filter((t) => t.revokedAt).length;
  const shown = showRevoked ? tokens : tokens.filter((t) => !t.revokedAt);
  return (
    <div className="flex flex-col gap-4">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          start(async () => {
            let token: string;
            try {
              ({ token } = await fetchJson<{ token: string }>("/api/settings/tokens", {
                method: "POST",
                body: JSON.stringify({ name, scopes }),
              }));
            } catch (e) {
              return setError(e instanceof Error ? e.message : "Failed");
            }
            setCreated(token);
            setName("");
            setError(null);
            router.refresh();
          });
        }}
      >
        <label className="text-xs text-slate-600">
          Token name
          <input
            name="tokenName"
            value={name}
            onChange={(e) => setName(e.target.value)}
            placeholder="e.g. LiteLLM gateway"
            className="mt-1 block w-60 rounded-md border border-slate-300 px-2 py-1.5 text-sm"
          />
        </label>
        <fieldset className="flex flex-wrap gap-3 text-sm">
          <legend className="sr-only">Scopes</legend>
          {TOKEN_SCOPES.map((s) => (
            <label key={s} className="flex items-center gap-1.5" title={TOKEN_SCOPE_LABELS[s]}>
              <input
                type="checkbox"
                checked={scopes.includes(s)}
                onChange={(e) =>
                  setScopes(e.target.checked ? [...scopes, s] : scopes.filter((x) => x !== s))
                }
              />
              <code className="text-xs">{s}</code>
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={pending} className={buttonClass()}>
          Create token
        </button>
      </form>
      {error && <p className="text-sm text-red-700">{error}</p>}
      {created && (
        <div className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm">
          <div className="flex items-center justify-between gap-3">
            <p className="font-medium">Copy this token now — it is shown only once.</p>
            <CopyButton text={created} label="Copy token" />
          </div>
          <code
            className="mt-1 block rounded bg-white px-2 py-1 text-xs break-all"
            data-testid="new-token"
          >
            {created}
          </code>
        </div>
      )}
      {revokedCount > 0 && (
        <label className="flex items-center gap-2 self-start text-xs text-slate-600">
          <input
            type="checkbox"
            checked={showRevoked}
            onChange={(e) => setShowRevoked(e.target.checked)}
          />
          Show revoked tokens ({revokedCount})
        </label>
      )}
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-slate-500">
          <tr>
            <th className="py-1 pr-3 font-medium">Name</th>
            <th className="py-1 pr-3 font-medium">Token</th>
            <th className="py-1 pr-3 font-medium">Scopes</th>
            <th className="py-1 pr-3 font-medium">Created</th>
            <th className="py-1 pr-3 font-medium">Last used</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr>
              <td colSpan={6} className="py-4 text-center text-slate-500">
                {tokens.length === 0 ? "No API tokens yet." : "No active API tokens."}
              </td>
            </tr>
          )}
          {shown.map((t) => (
            <tr
              key={t.id}
              className={`border-t border-slate-100 ${t.revokedAt ? "text-slate-500" : ""}`}
              data-testid={`token-${t.name}`}
            >
              <td className="py-1.5 pr-3">{t.name}</td>
              <td className="py-1.5 pr-3">
                <code className="text-xs">{t.prefix}…</code>
              </td>
              <td className="py-1.5 pr-3 text-xs">{t.scopes.join(", ")}</td>
              <td className="py-1.5 pr-3 text-xs">{when(t.createdAt)}</td>
              <td className="py-1.5 pr-3 text-xs">{when(t.lastUsedAt)}</td>
              <td className="py-1.5 text-right text-xs">
                {t.revokedAt ? (
                  <>revoked {when(t.revokedAt)}</>
                ) : (
                  <ConfirmButton
                    title={`Revoke the token "${t.name}"?`}
                    body={
                      <>
                        Calls that send <code className="text-xs">{t.prefix}…</code> are refused
                        from now on. A revoked token cannot be restored: make a new one if you need
                        it again.
                      </>
                    }
                    confirmLabel="Revoke token"
                    disabled={pending}
                    onConfirm={async () => {
                      await fetchJson(`/api/settings/tokens/${encodeURIComponent(t.id)}`, {
                        method: "DELETE",
                      });
                      setError(null);
                      router.refresh();
                    }}
                    className="text-red-700 underline"
                  >
                    Revoke<span className="sr-only"> {t.name}</span>
                  </ConfirmButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
