import { json, sessionRoute } from "@/lib/auth/guards";
import { knownProductsOf } from "@/lib/products/known-products";
import { loadKnownProducts } from "@/lib/products/load-known-products";
import { db } from "@/lib/server/db";

/** The workspace's known products, for every field where a product is chosen. */
export const GET = sessionRoute(["requests:create"], async (_req, { actor }) =>
  json({ products: knownProductsOf(await loadKnownProducts(db(), actor.workspaceId)) }),
);
