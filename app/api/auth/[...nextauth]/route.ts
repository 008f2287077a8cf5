import { nextAuthRoute } from "@/lib/auth/nextauth-route";

// next-auth inside a sign-in request context: provider failures get their own error page
// and an audit record (lib/auth/nextauth-route.ts).
export { nextAuthRoute as GET, nextAuthRoute as POST };
