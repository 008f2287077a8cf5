/** Claude's Spend Limits endpoints allow 60 requests a minute per organization, all routes together. */
export const CLAUDE_REQUESTS_PER_MINUTE = 60;
