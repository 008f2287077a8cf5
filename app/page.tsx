import { redirect } from "next/navigation";

import { requirePage } from "@/lib/auth/guards";
import { landingPathFor } from "@/lib/auth/permissions";

export const dynamic = "force-dynamic"; // who is asking decides where they go

/** "/" and the default after sign-in: each role's landing page (lib/auth/permissions.ts). */
export default async function Home() {
  redirect(landingPathFor(await requirePage()));
}
