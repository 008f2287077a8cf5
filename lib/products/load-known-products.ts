/**
 * The workspace's known products, read from the database: every product its usage names
 * (the day totals, a small table) and every product its connected sources bring before their
 * first sync (connections and vendor connectors, known-products.ts VENDOR_PRODUCTS).
 */
import "server-only";

import type { Db } from "../server/db";
import {
  assertKnownProducts,
  sortProducts,
  VENDOR_PRODUCTS,
  type ProductField,
} from "./known-products";

export { productFields } from "./known-products";

export async function loadKnownProducts(db: Db, workspaceId: string): Promise<string[]> {
  const [used, connections, connectors] = await Promise.all([
    db.usageDayTotal.findMany({
      where: { workspaceId },
      distinct: ["product"],
      select: { product: true },
    }),
    db.connection.findMany({ where: { workspaceId, archivedAt: null }, select: { kind: true } }),
    db.vendorConnector.findMany({ where: { workspaceId }, select: { vendor: true } }),
  ]);
  return sortProducts([
    ...used.map((u) => u.product),
    ...connections.flatMap((c) => VENDOR_PRODUCTS[c.kind] ?? []),
    ...connectors.flatMap((c) => VENDOR_PRODUCTS[c.vendor] ?? []),
  ]);
}

/** The boundary check of a body's product fields against the workspace (ZodError → 400). */
export async function requireKnownProducts(
  db: Db,
  workspaceId: string,
  fields: ProductField[],
): Promise<void> {
  if (fields.every((f) => f.value === "")) return;
  assertKnownProducts(await loadKnownProducts(db, workspaceId), fields);
}
