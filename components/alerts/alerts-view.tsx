"use client";

import { AlertList } from "./alert-list";
import { ChannelsPanel } from "./channels-panel";
import { RulesPanel } from "./rules-panel";

export function AlertsView({ canManage }: { canManage: boolean }) {
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="lg:col-span-2">
        <AlertList canManage={canManage} />
      </div>
      <div className="flex flex-col gap-6">
        <ChannelsPanel canManage={canManage} />
        <RulesPanel canManage={canManage} />
      </div>
    </div>
  );
}
