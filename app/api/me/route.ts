import { json, sessionRoute } from "@/lib/auth/guards";
import { permissionsOf } from "@/lib/auth/permissions";

/** Who am I: the signed-in member, workspace, role and permissions (from the one table). */
export const GET = sessionRoute([], async (_req, { actor }) =>
  json({
    memberId: actor.memberId,
    email: actor.email,
    name: actor.name,
    role: actor.role,
    workspace: { id: actor.workspaceId, slug: actor.workspaceSlug, name: actor.workspaceName },
    managedGroupIds: actor.managedGroupIds,
    permissions: [...permissionsOf(actor)].sort(),
  }),
);
