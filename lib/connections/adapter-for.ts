import "server-only";

/**
 * Builds the adapter for a stored connection: decrypts the admin key (in memory only,
 * never logged) and applies the connection's base URL and settings.
 */
import { z } from "zod";

import { decryptSecret } from "../crypto/secrets";
import { anthropicAdapter } from "../ingest/adapters/anthropic";
import { anthropicAnalyticsAdapter } from "../ingest/adapters/anthropic-analytics";
import { chatgptAdapter, chatgptConfigSchema } from "../ingest/adapters/chatgpt";
import {
  codexAnalyticsAdapter,
  codexConfigSchema,
  DEFAULT_CODEX_ANALYTICS_BASE_URL,
} from "../ingest/adapters/codex-analytics";
import { cursorAdapter, cursorConfigSchema } from "../ingest/adapters/cursor";
import { fileAdapter } from "../ingest/adapters/file";
import { githubCopilotAdapter, githubCopilotConfigSchema } from "../ingest/adapters/github-copilot";
import { openaiAdapter } from "../ingest/adapters/openai";
import { simulatorAdapter, simulatorConfigSchema } from "../ingest/adapters/simulator";
import type { SourceAdapter } from "../ingest/types";
import type { RateCard } from "../ratecard/rate-card";
import { DEFAULT_CURSOR_BASE_URL } from "../vendors/cursor/http";
import { DEFAULT_GITHUB_BASE_URL } from "../vendors/github/http";

export const DEFAULT_BASE_URLS = {
  openai: "https://api.openai.com/v1",
  anthropic: "https://api.anthropic.com/v1",
  chatgpt: "https://api.chatgpt.com/v1",
} as const;

export const providerConfigSchema = z.object({
  pageLimit: z.number().int().min(1).max(31).optional(),
  claudeCode: z.boolean().optional(),
  /** anthropic: "analytics" reads the Usage & Cost Analytics API (beta) instead of the legacy reports */
  api: z.enum(["admin", "analytics"]).optional(),
  /** anthropic analytics: people's claude.ai product use invoiced per use, or covered by seats */
  seatUsage: z.enum(["invoiced", "included"]).optional(),
});

export interface StoredConnection {
  kind: string;
  name: string;
  baseUrl: string | null;
  encryptedKey: string | null;
  configJson: string;
}

export interface AdapterExtras {
  rateCard: RateCard;
  /** file connections: the file to import (CLI path or uploaded text) */
  file?: { name: string; text: string };
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number; timeoutMs?: number };
  /** the workspace's micro-USD per credit (ChatGPT reports credits natively) */
  usdPerCreditMicros?: bigint;
}

export function adapterFor(connection: StoredConnection, extras: AdapterExtras): SourceAdapter {
  const config = JSON.parse(connection.configJson || "{}") as unknown;
  const key = () => {
    if (!connection.encryptedKey)
      throw new Error(`connection "${connection.name}" has no admin key`);
    return decryptSecret(connection.encryptedKey);
  };
  // what every vendor API's adapter takes: the connection's base URL (else the vendor's), the key, the retry
  const http = (defaultBaseUrl: string) => ({
    baseUrl: connection.baseUrl || defaultBaseUrl,
    apiKey: key(),
    ...(extras.retry ? { retry: extras.retry } : {}),
  });
  switch (connection.kind) {
    case "openai":
    case "anthropic": {
      const settings = providerConfigSchema.parse(config);
      const common = {
        ...http(DEFAULT_BASE_URLS[connection.kind]),
        rateCard: extras.rateCard,
        ...(settings.pageLimit ? { pageLimit: settings.pageLimit } : {}),
      };
      if (connection.kind === "openai") return openaiAdapter(common);
      if (settings.api === "analytics") {
        const { rateCard: _unused, ...http } = common;
        return anthropicAnalyticsAdapter({
          ...http,
          ...(settings.seatUsage ? { seatUsage: settings.seatUsage } : {}),
          ...(settings.claudeCode !== undefined ? { claudeCode: settings.claudeCode } : {}),
        });
      }
      return anthropicAdapter({ ...common, claudeCode: settings.claudeCode });
    }
    case "file":
      if (!extras.file)
        throw new Error(`connection "${connection.name}" is a file import: give a file to import`);
      return fileAdapter({ ...extras.file, rateCard: extras.rateCard });
    case "simulator":
      return simulatorAdapter(simulatorConfigSchema.parse(config));
    case "chatgpt":
      return chatgptAdapter({
        ...http(DEFAULT_BASE_URLS.chatgpt),
        config: chatgptConfigSchema.parse(config),
        usdPerCreditMicros: extras.usdPerCreditMicros ?? 40_000n,
      });
    case "codex":
      return codexAnalyticsAdapter({
        ...http(DEFAULT_CODEX_ANALYTICS_BASE_URL),
        config: codexConfigSchema.parse(config),
      });
    case "cursor":
      return cursorAdapter({
        ...http(DEFAULT_CURSOR_BASE_URL),
        config: cursorConfigSchema.parse(config),
      });
    case "github_copilot": {
      const { apiKey: token, ...rest } = http(DEFAULT_GITHUB_BASE_URL);
      return githubCopilotAdapter({
        ...rest,
        token,
        config: githubCopilotConfigSchema.parse(config),
      });
    }
    default:
      throw new Error(`connections of kind ${connection.kind} cannot be synced here yet`);
  }
}
