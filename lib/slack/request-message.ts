/**
 * The Slack message of a credit request (Block Kit), and the same message once decided: pure,
 * so the words are unit-tested. Everything a person typed is escaped, so a reason cannot
 * mention @channel or hide a link.
 */
import { formatAmount, type Unit } from "../core/money";
import type { SlackMessage } from "../vendors/slack/client";

export const APPROVE_ACTION = "allotment_approve";
export const DENY_ACTION = "allotment_deny";

export interface RequestContext {
  id: number;
  requester: { name: string; email: string };
  unit: Unit;
  amountMicros: bigint;
  product: string;
  reason: string;
  link: string | null;
  neededUntil: string;
  groups: string[];
  /** now, for the requester and this product */
  usedMicros: bigint;
  limitMicros: bigint | null;
  limitReason: string;
  projectedMicros: bigint;
  /** the request in Allotment, when NEXTAUTH_URL is known */
  url: string | null;
}

/** Slack's three control characters in mrkdwn (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function contextBlocks(c: RequestContext): unknown[] {
  const amount = c.amountMicros > 0n ? formatAmount(c.amountMicros, c.unit) : "no amount given";
  const head = [
    `*Credit request #${c.id}* from *${escapeMrkdwn(c.requester.name)}* (${escapeMrkdwn(c.requester.email)})`,
    `*Asks for* ${amount}${c.product ? ` for ${escapeMrkdwn(c.product)}` : ""}, needed until ${c.neededUntil}`,
    `*Reason:* ${escapeMrkdwn(clip(c.reason, 1500))}`,
    ...(c.link ? [`*Link:* ${escapeMrkdwn(clip(c.link, 300))}`] : []),
  ].join("\n");
  const limit =
    c.limitMicros === null
      ? `none (${escapeMrkdwn(c.limitReason)})`
      : `${formatAmount(c.limitMicros, c.unit)} (${escapeMrkdwn(clip(c.limitReason, 200))})`;
  return [
    { type: "section", text: { type: "mrkdwn", text: head } },
    {
      type: "section",
      fields: [
        { type: "mrkdwn", text: `*Spent this period*\n${formatAmount(c.usedMicros, c.unit)}` },
        { type: "mrkdwn", text: `*Limit now*\n${limit}` },
        {
          type: "mrkdwn",
          text: `*Projected at period end*\n${formatAmount(c.projectedMicros, c.unit)}`,
        },
        {
          type: "mrkdwn",
          text: `*Groups*\n${c.groups.length ? escapeMrkdwn(c.groups.join(", ")) : "none"}`,
        },
      ],
    },
  ];
}

function linkBlock(c: RequestContext): unknown[] {
  return c.url
    ? [{ type: "context", elements: [{ type: "mrkdwn", text: `<${c.url}|Open in Allotment>` }] }]
    : [];
}

function summary(c: RequestContext): string {
  const amount = c.amountMicros > 0n ? formatAmount(c.amountMicros, c.unit) : "credits";
  return `Credit request #${c.id} from ${c.requester.name}: ${amount}${c.product ? ` for ${c.product}` : ""}`;
}

/** The message posted when a request is filed: its context and Approve / Deny buttons. */
export function requestMessage(c: RequestContext): SlackMessage {
  return {
    text: summary(c),
    blocks: [
      ...contextBlocks(c),
      {
        type: "actions",
        block_id: `allotment_request_${c.id}`,
        elements: [
          {
            type: "button",
            style: "primary",
            text: { type: "plain_text", text: "Approve" },
            action_id: APPROVE_ACTION,
            value: String(c.id),
          },
          {
            type: "button",
            style: "danger",
            text: { type: "plain_text", text: "Deny" },
            action_id: DENY_ACTION,
            value: String(c.id),
          },
        ],
      },
      ...linkBlock(c),
    ],
  };
}

/** The message once decided: the outcome in place of the buttons, for everyone in the channel. */
export function decidedMessage(c: RequestContext, outcome: string): SlackMessage {
  return {
    text: `${summary(c)} — ${outcome}`,
    blocks: [
      ...contextBlocks(c),
      { type: "section", text: { type: "mrkdwn", text: escapeMrkdwn(outcome) } },
      ...linkBlock(c),
    ],
  };
}

/** The note a denial from Slack records (a click carries no words of its own). */
export function slackDenyNote(deciderName: string): string {
  return `Denied in Slack by ${deciderName}`;
}

/** What became of a request, as the row says it (whoever decided, wherever). */
export interface RequestOutcome {
  status: string;
  unit: Unit;
  grantedMicros: bigint | null;
  neededUntil: string;
  decider: { name: string; email: string } | null;
  /** the auto-approval policy that approved it, if one did */
  policy: string | null;
  note: string | null;
  requester: string;
}

/**
 * The outcome line of a decided message: the same words for a click in Slack and for a
 * decision in Allotment (an approval, a denial, expiry, withdrawal). Null while it waits.
 */
export function outcomeText(o: RequestOutcome): string | null {
  const by = o.decider ? `${o.decider.name} (${o.decider.email})` : null;
  // a click's own note says no more than "Denied by" does
  const note =
    o.note && !(o.decider && o.note === slackDenyNote(o.decider.name))
      ? ` Note: ${clip(o.note, 500)}`
      : "";
  switch (o.status) {
    case "APPROVED": {
      const who = o.policy ? `policy "${o.policy}"` : (by ?? "a decider");
      return `Approved by ${who}: ${formatAmount(o.grantedMicros ?? 0n, o.unit)} granted.`;
    }
    case "DENIED":
      return `Denied by ${by ?? "a decider"}.${note}`;
    case "EXPIRED":
      return `Expired: nobody decided it by ${o.neededUntil}.`;
    case "CANCELLED":
      return `Withdrawn by ${o.requester}.`;
    default:
      return null;
  }
}
