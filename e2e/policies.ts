/** The limits API as the journeys use it to read a limit and to clean up what they set. */
import { expect, type Page } from "@playwright/test";

/**
 * What /api/limits/target says of one member or group (`q`: "memberId=…" or "groupId=…"): its
 * own policy and its effective limit, in the shape the journey reads.
 */
export async function limitTarget<T>(page: Page, q: string): Promise<T> {
  const res = await page.request.get(`/api/limits/target?${q}`);
  expect(res.status()).toBe(200);
  return (await res.json()) as T;
}

/** Deletes a limit policy at the version the journey read: the server must take it (200). */
export async function deletePolicy(page: Page, policy: { id: string; version: number }) {
  const res = await page.request.delete(
    `/api/limits/policies/${policy.id}?version=${policy.version}`,
  );
  expect(res.status()).toBe(200);
}
