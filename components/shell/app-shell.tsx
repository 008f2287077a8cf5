import { Link } from "@/components/ui/link";

import { GlobalSearch } from "./global-search";
import { MobileNav } from "./mobile-nav";
import { NavLinks } from "./nav-links";
import { NotificationBell } from "./notification-bell";
import { SignOutButton } from "./sign-out-button";

interface Props {
  nav: { href: string; label: string; badge?: number }[];
  user: { name: string; email: string; role: string };
  workspace: string;
  /** the search for people and groups, for those who see more than themselves */
  search?: boolean;
  children: React.ReactNode;
}

export function AppShell({ nav, user, workspace, search = false, children }: Props) {
  return (
    <div className="flex min-h-screen">
      <aside className="hidden w-56 shrink-0 flex-col border-r border-slate-200 bg-white lg:flex">
        <Link href="/" className="px-5 pt-5 pb-2 text-lg font-semibold tracking-tight">
          Allotment
        </Link>
        <p className="px-5 pb-4 text-xs text-slate-500" data-testid="workspace-name">
          {workspace}
        </p>
        <NavLinks items={nav} />
        <div className="mt-auto border-t border-slate-200 p-4 text-sm">
          <p className="font-medium" data-testid="user-name">
            {user.name}
          </p>
          <p className="truncate text-xs text-slate-500">{user.email}</p>
          <p
            className="mt-1 inline-block rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-700"
            data-testid="user-role"
          >
            {user.role}
          </p>
          <SignOutButton />
        </div>
      </aside>
      <div className="flex min-w-0 flex-1 flex-col">
        <MobileNav
          items={nav}
          user={user}
          bell={<NotificationBell />}
          search={search ? <GlobalSearch /> : undefined}
        />
        <header className="hidden items-center justify-end gap-3 border-b border-slate-200 bg-white px-8 py-2 lg:flex">
          {search && <GlobalSearch className="mr-auto w-96" />}
          <NotificationBell />
        </header>
        <main className="mx-auto w-full max-w-7xl flex-1 p-4 lg:p-8">{children}</main>
      </div>
    </div>
  );
}
