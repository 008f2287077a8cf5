/**
 * The workspace's exchange-rate table (owner): USD per one unit of a currency, in force from
 * a day on. Provider costs in other currencies are converted with it at sync time; a rate
 * added later applies from the next sync of the days it covers. Every change is audited in
 * its transaction. Also the owner's switch whether Claude Code seat estimates count against
 * limits (docs/billing.md).
 */
import "server-only";

import { z } from "zod";

import { writeAudit } from "../audit/audit";
import { auditActor, type Actor } from "../auth/actor";
import { can } from "../auth/permissions";
import { ForbiddenError, NotFoundError } from "../core/errors";
import { dayKeySchema } from "../core/period";
import type { Db } from "../server/db";
import { decimalText } from "./convert";

const currency = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{3}$/, "Use a three-letter ISO 4217 code such as EUR")
  .transform((c) => c.toUpperCase())
  .refine((c) => c !== "USD", "USD is always 1");
const effectiveFrom = z.string().trim().pipe(dayKeySchema("Use a day as YYYY-MM-DD"));

export const exchangeRateKeySchema = z.object({ currency, effectiveFrom });
export const exchangeRateSchema = z.object({
  currency,
  effectiveFrom,
  usdPerUnit: z
    .string()
    .trim()
    .regex(
      /^\d{1,9}(\.\d{1,12})?$/,
      "USD per unit as a plain decimal, up to 12 places (e.g. 1.0825)",
    )
    .refine((v) => /[1-9]/.test(v), "A rate must be more than 0"),
});
export type ExchangeRateInput = z.infer<typeof exchangeRateSchema>;

export const seatSettingSchema = z.object({ seatEstimatesCountAgainstLimits: z.boolean() });

export interface ExchangeRateView {
  id: string;
  currency: string;
  effectiveFrom: string;
  usdPerUnit: string;
}

function assertOwner(actor: Actor) {
  if (!can(actor, "settings:manage"))
    throw new ForbiddenError(
      "Only the workspace owner changes exchange rates and what counts against limits",
    );
}

export async function listExchangeRates(db: Db, actor: Actor): Promise<ExchangeRateView[]> {
  return db.exchangeRate.findMany({
    where: { workspaceId: actor.workspaceId },
    select: { id: true, currency: true, effectiveFrom: true, usdPerUnit: true },
    orderBy: [{ currency: "asc" }, { effectiveFrom: "desc" }],
  });
}

/** Sets the rate of a currency from a day (replacing that day's rate if there is one). */
export async function setExchangeRate(
  db: Db,
  actor: Actor,
  input: ExchangeRateInput,
): Promise<ExchangeRateView> {
  assertOwner(actor);
  const usdPerUnit = decimalText(input.usdPerUnit);
  return db.$transaction(async (tx) => {
    const key = {
      workspaceId: actor.workspaceId,
      currency: input.currency,
      effectiveFrom: input.effectiveFrom,
    };
    const before = await tx.exchangeRate.findUnique({
      where: { workspaceId_currency_effectiveFrom: key },
      select: { usdPerUnit: true },
    });
    const row = await tx.exchangeRate.upsert({
      where: { workspaceId_currency_effectiveFrom: key },
      create: { ...key, usdPerUnit },
      update: { usdPerUnit },
      select: { id: true, currency: true, effectiveFrom: true, usdPerUnit: true },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "exchange_rate.set",
      targetType: "ExchangeRate",
      targetId: row.id,
      before: before ? { ...key, usdPerUnit: before.usdPerUnit } : undefined,
      after: { ...key, usdPerUnit },
    });
    return row;
  });
}

export async function removeExchangeRate(
  db: Db,
  actor: Actor,
  key: z.infer<typeof exchangeRateKeySchema>,
): Promise<void> {
  assertOwner(actor);
  await db.$transaction(async (tx) => {
    const row = await tx.exchangeRate.findUnique({
      where: { workspaceId_currency_effectiveFrom: { workspaceId: actor.workspaceId, ...key } },
    });
    if (!row) throw new NotFoundError(`No ${key.currency} rate from ${key.effectiveFrom}`);
    await tx.exchangeRate.delete({ where: { id: row.id } });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "exchange_rate.remove",
      targetType: "ExchangeRate",
      targetId: row.id,
      before: {
        currency: row.currency,
        effectiveFrom: row.effectiveFrom,
        usdPerUnit: row.usdPerUnit,
      },
    });
  });
}

/** Whether Claude Code seat estimates count against limits (moves the config version: limits re-read). */
export async function setSeatEstimatesCount(db: Db, actor: Actor, value: boolean): Promise<void> {
  assertOwner(actor);
  await db.$transaction(async (tx) => {
    const before = await tx.workspace.findUniqueOrThrow({
      where: { id: actor.workspaceId },
      select: { seatEstimatesCountAgainstLimits: true },
    });
    await tx.workspace.update({
      where: { id: actor.workspaceId },
      data: { seatEstimatesCountAgainstLimits: value },
    });
    await writeAudit(tx, {
      workspaceId: actor.workspaceId,
      actor: auditActor(actor),
      action: "workspace.seat_estimates",
      targetType: "Workspace",
      targetId: actor.workspaceId,
      before,
      after: { seatEstimatesCountAgainstLimits: value },
    });
  });
}

export interface MissingRateDay {
  connectionId: string;
  connectionName: string;
  day: string;
  currency: string;
}

/** Provider cost days that had no exchange rate at their last sync (shown on Settings and Connections). */
export async function missingRateDays(
  db: Db,
  workspaceId: string,
  connectionId?: string,
): Promise<MissingRateDay[]> {
  const rows = await db.providerCostLine.findMany({
    where: { workspaceId, rateMissing: true, ...(connectionId ? { connectionId } : {}) },
    select: {
      connectionId: true,
      day: true,
      currency: true,
      connection: { select: { name: true } },
    },
    distinct: ["connectionId", "day", "currency"],
    orderBy: [{ day: "desc" }, { currency: "asc" }],
    take: 200,
  });
  return rows.map((r) => ({
    connectionId: r.connectionId,
    connectionName: r.connection.name,
    day: r.day,
    currency: r.currency,
  }));
}
