/** The Requests screen's data URL for a set of queue filters (shared by the page's prefetch and the view). */
export interface QueueFilterState {
  status: string;
  groupId: string;
  product: string;
}

export const DEFAULT_FILTERS: QueueFilterState = { status: "PENDING", groupId: "", product: "" };

export function requestsUrl(f: QueueFilterState): string {
  const qs = new URLSearchParams();
  if (f.status) qs.set("status", f.status);
  if (f.groupId) qs.set("groupId", f.groupId);
  if (f.product) qs.set("product", f.product);
  return `/api/requests?${qs.toString()}`;
}
