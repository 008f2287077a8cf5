/**
 * The small part of oidc-provider 8 (which ships no types) that tests/fake-oidc uses.
 */
declare module "oidc-provider" {
  import type { IncomingMessage, ServerResponse } from "node:http";

  interface KoaContext {
    path: string;
    method: string;
    status: number;
    body: unknown;
    req: IncomingMessage;
  }

  interface Account {
    accountId: string;
    claims(use: string, scope: string): Promise<Record<string, unknown>>;
  }

  interface Configuration {
    clients?: Record<string, unknown>[];
    claims?: Record<string, string[] | null>;
    findAccount?: (ctx: KoaContext, id: string) => Promise<Account | undefined>;
    cookies?: { keys?: string[] };
    jwks?: { keys: Record<string, unknown>[] };
    features?: Record<string, { enabled: boolean }>;
    [key: string]: unknown;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: Configuration);
    use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): void;
    on(event: "server_error", listener: (ctx: KoaContext, error: Error) => void): this;
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
