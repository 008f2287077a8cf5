import { AuthFailure } from "@/components/auth/auth-failure";

export const metadata = { title: "Not a member" };

export default function NotAMember() {
  return <AuthFailure kind="not_a_member" />;
}
