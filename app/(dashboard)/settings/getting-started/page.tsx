import { OnboardingChecklist } from "@/components/onboarding/onboarding-checklist";
import { ScreenHeader } from "@/components/ui/placeholder";
import { requirePage } from "@/lib/auth/guards";
import { ONBOARDING_PERMISSIONS, onboardingState } from "@/lib/onboarding/checklist";
import { db } from "@/lib/server/db";

export const metadata = { title: "Getting started" };

/** Settings → Getting started: the checklist, always here (Overview shows it until done or hidden). */
export default async function Page() {
  const actor = await requirePage(ONBOARDING_PERMISSIONS);
  const state = await onboardingState(db(), actor.workspaceId);
  return (
    <div className="flex flex-col gap-6">
      <ScreenHeader
        title="Getting started"
        subtitle="Six steps from an empty workspace to governed spend. Each ticks itself when it is done, wherever you do it."
      />
      <OnboardingChecklist steps={state.steps} dismissable dismissed={state.dismissed} />
    </div>
  );
}
