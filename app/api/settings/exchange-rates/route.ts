import { json, sessionRoute } from "@/lib/auth/guards";
import {
  exchangeRateKeySchema,
  exchangeRateSchema,
  removeExchangeRate,
  setExchangeRate,
} from "@/lib/currency/exchange-rates";
import { readJsonBody } from "@/lib/http/read-json";
import { db } from "@/lib/server/db";

/** Sets a currency's USD rate from a day on (owner; audited). */
export const PUT = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const data = await readJsonBody(req, exchangeRateSchema);
  return json(await setExchangeRate(db(), actor, data));
});

/** Removes the rate of a currency from a day (owner; audited). */
export const DELETE = sessionRoute(["settings:manage"], async (req, { actor }) => {
  const key = await readJsonBody(req, exchangeRateKeySchema);
  await removeExchangeRate(db(), actor, key);
  return json({ ok: true });
});
