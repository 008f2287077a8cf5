import { json, sessionRoute } from "@/lib/auth/guards";
import { searchObject } from "@/lib/http/query";
import { searchDirectory, searchQuerySchema } from "@/lib/search/directory-search";
import { db } from "@/lib/server/db";

// everyone signed in; what they find is their spend scope (lib/auth/scope.ts)
export const GET = sessionRoute(["spend:read:own"], async (req, { actor }) => {
  const { q } = searchQuerySchema.parse(searchObject(new URL(req.url).searchParams));
  return json(await searchDirectory(db(), actor, q));
});
