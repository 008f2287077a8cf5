import { json, sessionRoute } from "@/lib/auth/guards";
import { providerSignOutUrl } from "@/lib/auth/provider-sign-out";

/** Where the browser goes to sign out of the single sign-on provider too: {url} or {url: null}. */
export const GET = sessionRoute([], async (req) => json({ url: await providerSignOutUrl(req) }));
