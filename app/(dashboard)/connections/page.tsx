import { ComingSoon } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { screenPermissions } from "@/lib/auth/permissions";

export const metadata = { title: "Connections" };

export default async function Page() {
  await requirePage(screenPermissions("/connections"));
  return <ComingSoon title="Connections" what="Provider connections (OpenAI, Anthropic, ChatGPT Enterprise, file import) and their sync runs." />;
}
