/**
 * One member's projection (all products), with their group's history as the fallback when
 * their own is short: what My budget and the engineer's charts show.
 */
import "server-only";

import type { Unit } from "../core/money";
import type { DayKey, Period } from "../core/period";
import type { Db } from "../server/db";
import { memberHistoryWithFallback } from "./history";
import { project, type Projection } from "./projection";

export async function projectMember(
  db: Db,
  workspaceId: string,
  unit: Unit,
  memberId: string,
  usedMicros: bigint,
  remainingMicros: bigint | null,
  period: Period,
  today: DayKey,
): Promise<Projection> {
  const groups = await db.groupMember.findMany({
    where: { memberId },
    select: { groupId: true },
  });
  const { history, fallback } = await memberHistoryWithFallback(
    db,
    workspaceId,
    unit,
    today,
    memberId,
    "",
    groups.map((g) => g.groupId),
  );
  return project({ usedMicros, remainingMicros, period, today, history, fallback });
}
