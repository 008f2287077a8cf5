import { redirect } from "next/navigation";
import { requirePage } from "@/lib/auth/guards";

/** Groups are explored in the usage breakdown; each row links to the group page. */
export default async function GroupsIndex() {
  await requirePage(["spend:read:own"]);
  redirect("/usage?dimension=group");
}
