import { StatusPage } from "@/components/ui/status-page";

export default function NotFound() {
  return (
    <StatusPage
      code="404"
      title="Page not found"
      detail="It does not exist, or it is not yours to see."
    />
  );
}
