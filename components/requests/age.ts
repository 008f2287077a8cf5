/**
 * "filed 3 h ago", from minutes counted on the app's clock by the server (lib/requests/request-queue.ts),
 * so a pinned or moved clock reads the same everywhere and nothing depends on the browser's time.
 */
export function filedAgo(minutes: number): string {
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}
