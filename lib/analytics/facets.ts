/**
 * The values the explorer's filter pickers offer, within the scope: products, models,
 * providers (from the rollup), groups and cost centers (directory), projects and API keys
 * (fact table, limited to the range). Members are filtered by drilling down, not picked.
 */
import "server-only";

import type { SpendScope } from "../auth/scope";
import { todayIn } from "../core/period";
import { engineOf, type Db } from "../server/db";
import { readRows } from "../server/sqlite-reader";
import { workspaceOf } from "./breakdown-read";
import { keyLabel, NONE, UNATTRIBUTED, type Dimension } from "./filters";
import { listGroups } from "./group";
import { resolveRange, type RangeSpec } from "./range";
import { Params, sourceFor, whereClause } from "./sql-builder";

export type Facets = Partial<Record<Dimension, { value: string; label: string }[]>>;

const LIMIT = 200;

export async function getFacets(
  db: Db,
  scope: SpendScope,
  now: Date,
  spec: RangeSpec,
): Promise<Facets> {
  const ws = await workspaceOf(db, scope);
  const range = resolveRange(spec, ws.budgetPeriod, todayIn(ws.timezone, now));
  const distinct = async (col: "product" | "model" | "provider" | "project" | "apiKey") => {
    // the column as the dimension, so the source has it (day totals, daily rollup or fact table)
    const src = sourceFor(col, {}, scope);
    const p = new Params(engineOf(db));
    const where = whereClause(src, scope, {}, range, p);
    const rows = await readRows<{ v: string }>(
      db,
      `SELECT DISTINCT r."${col}" AS "v" FROM ${src.table} r WHERE ${where} ORDER BY 1 LIMIT ${LIMIT}`,
      p.values,
    );
    return rows.map((r) => ({ value: String(r.v), label: keyLabel(col, String(r.v)) }));
  };
  const [product, model, provider, project, apiKey, groups, centers] = await Promise.all([
    distinct("product"),
    distinct("model"),
    distinct("provider"),
    distinct("project"),
    distinct("apiKey"),
    listGroups(db, scope),
    scope.kind === "self"
      ? []
      : db.member.findMany({
          where: {
            workspaceId: scope.workspaceId,
            ...(scope.memberIds ? { id: { in: scope.memberIds } } : {}),
          },
          distinct: ["costCenter"],
          select: { costCenter: true },
          orderBy: { costCenter: "asc" },
          take: LIMIT,
        }),
  ]);
  const extra = scope.kind === "workspace" ? [{ value: UNATTRIBUTED, label: "Unattributed" }] : [];
  return {
    product,
    model,
    provider,
    project,
    apiKey,
    group:
      scope.kind === "self"
        ? []
        : [
            ...groups.map((g) => ({ value: g.id, label: g.name })),
            { value: NONE, label: "No group" },
            ...extra,
          ],
    costCenter:
      scope.kind === "self"
        ? []
        : [
            ...centers.map((c) => ({
              value: c.costCenter ?? NONE,
              label: c.costCenter ?? "No cost center",
            })),
            ...extra,
          ],
  };
}
