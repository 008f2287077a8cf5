import { budgetCheckRoute } from "@/lib/limits/budget-check-route";

export const dynamic = "force-dynamic";

export const GET = budgetCheckRoute;
