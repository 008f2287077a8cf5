import { StatusPage } from "@/components/ui/status-page";

export default function Forbidden() {
  return (
    <StatusPage
      code="403"
      title="You don't have access to this page"
      detail="Your role does not include this screen. Ask a workspace owner if you need it."
    />
  );
}
