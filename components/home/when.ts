/** Day keys as a person reads them on the budget home: "1 Dec", "in 9 days". Pure (no clock). */
import { daysBetween, type DayKey } from "@/lib/core/period";

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** "1 Dec", with the year when it is not the year of `today`. */
export function dayLabel(day: DayKey, today: DayKey): string {
  const [y, m, d] = day.split("-");
  const label = `${Number(d)} ${MONTHS[Number(m) - 1]}`;
  return y === today.slice(0, 4) ? label : `${label} ${y}`;
}

/** "today", "tomorrow", "in 9 days" (days from today to `day`). */
export function inDays(day: DayKey, today: DayKey): string {
  const n = daysBetween(today, day);
  if (n <= 0) return "today";
  if (n === 1) return "tomorrow";
  return `in ${n} days`;
}
