"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";

import { MyLimitStats } from "@/components/limits/my-limit-card";
import { ProductSelect } from "@/components/products/product-select";
import { Card, ErrorNote, Skeleton } from "@/components/ui/card";
import { fetchJson } from "@/lib/client/fetch-json";
import { queryKeys } from "@/lib/client/query-keys";
import type { Serialized } from "@/lib/core/serialize";
import { productLabel } from "@/lib/products/known-products";
import type { RequestsPage } from "@/lib/requests/page-data";

import { BulkBar } from "./bulk-bar";
import { QueueItemCard } from "./queue-item";
import { RequestDrawer } from "./request-drawer";
import { RequestForm } from "./request-form";
import { RequestLine } from "./request-line";
import { DEFAULT_FILTERS, requestsUrl } from "./requests-url";

type Data = Serialized<RequestsPage>;

export function RequestsView() {
  const qc = useQueryClient();
  const [filters, setFilters] = useState(DEFAULT_FILTERS);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const url = requestsUrl(filters);
  const query = useQuery({
    queryKey: [...queryKeys.requests(), url],
    queryFn: () => fetchJson<Data>(url),
    placeholderData: (prev) => prev,
  });
  const cancel = useMutation({
    mutationFn: (id: number) => fetchJson(`/api/requests/${id}/cancel`, { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.requests() }),
  });
  const markRead = useMutation({
    mutationFn: () => fetchJson("/api/requests/notifications", { method: "POST" }),
    onSettled: () => qc.invalidateQueries({ queryKey: queryKeys.requests() }),
  });
  if (query.isPending) return <Skeleton className="h-96" />;
  if (query.isError || !query.data)
    return (
      <ErrorNote
        message={`Could not load requests: ${query.error?.message ?? "unknown error"}`}
        onRetry={() => void query.refetch()}
      />
    );
  const d = query.data;
  const unit = d.myLimit.unit;
  const unitLabel = unit === "USD" ? "USD" : "credits";
  const unread = d.notifications.filter((n) => !n.readAt);
  const select = "rounded-md border border-slate-300 px-2 py-1 text-sm";
  // the decider's queue: pending first (the server orders them); the selection keeps only
  // requests still pending in what is shown
  const pendingItems = d.queue.filter((q) => q.status === "PENDING");
  const chosen = pendingItems.map((q) => q.id).filter((id) => selected.has(id));
  const header = (
    <div className="flex flex-wrap items-end justify-between gap-3">
      <div>
        <h1 className="text-2xl font-semibold">Requests</h1>
        <p className="mt-1 text-sm text-slate-600">
          {d.canDecide
            ? "Requests waiting for your decision come first; your own budget and requests follow."
            : "Ask for more room when your limit is in the way; deciders answer here."}
        </p>
      </div>
      {d.canDecide && (
        <RequestDrawer
          label="Ask for more for yourself"
          periodEnd={d.myLimit.period.end}
          unitLabel={unitLabel}
          testId="own-request"
          openOnHash
          className="inline-block rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium whitespace-nowrap text-slate-700 hover:bg-slate-50"
        />
      )}
    </div>
  );
  const limitBanner = (
    <>
      {d.myLimit.state !== "ok" && (
        <div
          className={`rounded-md border px-4 py-3 text-sm ${d.myLimit.state === "over" ? "border-red-200 bg-red-50 text-red-800" : "border-amber-200 bg-amber-50 text-amber-900"}`}
          data-testid="limit-banner"
        >
          {d.myLimit.state === "over"
            ? "You have reached your limit for this period."
            : `You have used over ${d.myLimit.softThresholdPct}% of your limit.`}{" "}
          {d.canDecide ? (
            <RequestDrawer
              label="Ask for more"
              periodEnd={d.myLimit.period.end}
              unitLabel={unitLabel}
              testId="banner-request-more"
              className="font-medium underline"
            />
          ) : (
            <a href="#request-form" className="font-medium underline">
              Ask for more
            </a>
          )}
        </div>
      )}
    </>
  );
  const notifications = (
    <>
      {unread.length > 0 && (
        <Card
          title="Notifications"
          action={
            <button
              type="button"
              className="text-xs text-slate-600 underline"
              onClick={() => markRead.mutate()}
            >
              Mark all read
            </button>
          }
        >
          <ul className="divide-y divide-slate-100 text-sm" data-testid="notifications">
            {unread.map((n) => (
              <li key={n.id} className="py-2">
                <span className="font-medium">{n.title}</span>{" "}
                <span className="text-slate-600">{n.body}</span>
              </li>
            ))}
          </ul>
        </Card>
      )}
    </>
  );
  const myRequests = (
    <Card title="Your requests">
      {d.mine.length === 0 ? (
        <p className="text-sm text-slate-500">You have not asked for more yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm" data-testid="my-requests">
          {d.mine.map((r) => (
            <RequestLine
              key={r.id}
              r={r}
              unit={unit}
              testId={`my-request-${r.id}`}
              grantedBy={r.decider ?? "an API token"}
              details={
                <span className="text-xs text-slate-500">
                  until {r.neededUntil}
                  {r.product && ` · ${productLabel(r.product)}`} · filed {r.createdAt.slice(0, 10)}
                </span>
              }
            >
              {r.decisionNote && (
                <span className="text-xs text-slate-700" data-testid="decision-note">
                  “{r.decisionNote}”{r.status === "DENIED" && r.decider ? ` — ${r.decider}` : ""}
                </span>
              )}
              {r.status === "PENDING" && (
                <button
                  type="button"
                  onClick={() => cancel.mutate(r.id)}
                  className="ml-auto text-xs text-red-700 underline"
                >
                  Cancel
                </button>
              )}
              <p className="w-full text-xs text-slate-500">{r.reason}</p>
            </RequestLine>
          ))}
        </ul>
      )}
    </Card>
  );
  if (!d.canDecide)
    return (
      <div className="flex flex-col gap-6">
        {header}
        {limitBanner}
        <MyLimitStats limit={d.myLimit} />
        {notifications}
        <Card title="Ask for more">
          <RequestForm periodEnd={d.myLimit.period.end} unitLabel={unitLabel} />
        </Card>
        {myRequests}
      </div>
    );
  return (
    <div className="flex flex-col gap-6">
      {header}
      {notifications}
      <Card
        title={
          filters.status === "PENDING" || filters.status === "ALL"
            ? `Inbox: ${pendingItems.length} pending`
            : "Inbox"
        }
      >
        <div className="mb-3 flex flex-wrap items-center gap-2 text-sm">
          <select
            aria-label="Status"
            className={select}
            value={filters.status}
            onChange={(e) => setFilters({ ...filters, status: e.target.value })}
            data-testid="queue-status"
          >
            {["PENDING", "APPROVED", "DENIED", "CANCELLED", "EXPIRED", "ALL"].map((s) => (
              <option key={s} value={s}>
                {s === "ALL" ? "All statuses" : s.charAt(0) + s.slice(1).toLowerCase()}
              </option>
            ))}
          </select>
          <select
            aria-label="Group"
            className={select}
            value={filters.groupId}
            onChange={(e) => setFilters({ ...filters, groupId: e.target.value })}
          >
            <option value="">All groups</option>
            {d.groups.map((g) => (
              <option key={g.id} value={g.id}>
                {g.name}
              </option>
            ))}
          </select>
          <label className="contents">
            <span className="sr-only">Product</span>
            <ProductSelect
              name="product"
              className={select}
              value={filters.product}
              onChange={(product) => setFilters({ ...filters, product })}
            />
          </label>
        </div>
        {/* mounted even when the queue empties, so the outcome of a bulk decision stays in view */}
        <BulkBar
          pendingIds={pendingItems.map((q) => q.id)}
          selected={chosen}
          onSelectAll={(on) => setSelected(new Set(on ? pendingItems.map((q) => q.id) : []))}
          onDone={() => setSelected(new Set())}
        />
        {d.queue.length === 0 ? (
          <p className="py-6 text-center text-sm text-slate-500">
            Nothing to decide
            {filters.status === "PENDING" ? ": the queue is empty." : " for these filters."}
          </p>
        ) : (
          <>
            <ul className="flex flex-col gap-2" data-testid="queue">
              {d.queue.map((item) => (
                <QueueItemCard
                  key={item.id}
                  item={item}
                  unit={unit}
                  selected={selected.has(item.id)}
                  onSelect={(on) => {
                    const next = new Set(selected);
                    if (on) next.add(item.id);
                    else next.delete(item.id);
                    setSelected(next);
                  }}
                />
              ))}
            </ul>
          </>
        )}
      </Card>
      <section className="flex flex-col gap-4" aria-labelledby="own-budget-title">
        <h2 id="own-budget-title" className="text-lg font-semibold">
          Your own budget
        </h2>
        {limitBanner}
        <MyLimitStats limit={d.myLimit} />
        {myRequests}
      </section>
    </div>
  );
}
