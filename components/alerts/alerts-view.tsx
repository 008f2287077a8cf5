"use client";

import { AlertList } from "./alert-list";
import { ChannelsPanel } from "./channels-panel";
import { RulesPanel } from "./rules-panel";

export function AlertsView({
  canManage,
  canSetLimits = false,
}: {
  canManage: boolean;
  /** the permission table's limits:write: "Set limit" on an alert about a person or a group */
  canSetLimits?: boolean;
}) {
  return (
    <div className="grid gap-6 lg:grid-cols-3">
      <div className="lg:col-span-2">
        <AlertList canManage={canManage} canSetLimits={canSetLimits} />
      </div>
      <div className="flex flex-col gap-6">
        <ChannelsPanel canManage={canManage} />
        <RulesPanel canManage={canManage} />
      </div>
    </div>
  );
}
