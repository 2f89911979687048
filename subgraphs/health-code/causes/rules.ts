// The clearing rules of each cause kind (seed 004), kept as validated configuration rather than
// code branches: colour, who may raise and clear, and what clears it. The file ships beside this
// module; HEALTH_CODE_CLEARING_RULES names another file. Start-up stops with a message naming the
// faulty entry, so a typo in the configuration never becomes a wrongly cleared pop-up.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { isRole, type Role } from "../../../kernel/auth/viewer";
import { ConfigError } from "../../../kernel/config/env";
import type { Colour } from "../status";

export const CAUSE_KINDS = ["CENTRAL_QUARANTINE", "CASE", "CLOSE_CONTACT", "HOME_OBSERVATION", "POPUP_TRAVEL", "POPUP_RISK_POINT", "POPUP_MEDICINE", "POOLED_POSITIVE"] as const;
export type CauseKind = (typeof CAUSE_KINDS)[number];
export const STEPS = ["COMMUNITY_REPORT", "COMMITMENT_LETTER"] as const;
export type Step = (typeof STEPS)[number];

/** What clears a cause: an officer's decision, or tests (and recorded steps) that the silo checks. */
export type ClearingRule =
  | { type: "OFFICER_DECISION" }
  | { type: "NEGATIVE_TEST_AFTER"; dueWithinHours: number }
  | { type: "NEGATIVE_TESTS"; count: number; minGapHours: number; steps: Step[] }
  | { type: "SINGLE_TUBE_NEGATIVE" };

export interface KindConfig {
  colour: Exclude<Colour, "GREEN">;
  /** Roles that may raise it by hand; an empty list means only an event or a feed raises it. */
  raisedBy: Role[];
  /** Roles that may clear it by hand; an empty list means only its rule clears it, automatically. */
  clearedBy: Role[];
  rule: ClearingRule;
  howToClear: string;
}
export type RulesConfig = Record<CauseKind, KindConfig>;

const COLOURS = ["RED", "YELLOW", "POPUP"];

function problemsOf(kind: string, c: Record<string, unknown>): string[] {
  const p: string[] = [];
  if (!COLOURS.includes(c.colour as string)) p.push(`colour must be one of ${COLOURS.join(", ")}`);
  for (const key of ["raisedBy", "clearedBy"]) {
    const v = c[key];
    if (!Array.isArray(v) || !v.every(isRole)) p.push(`${key} must be a list of roles`);
  }
  if (typeof c.howToClear !== "string" || c.howToClear.trim() === "") p.push("howToClear must be a non-empty text");
  const r = (c.rule ?? {}) as Record<string, unknown>;
  const positive = (k: string, max: number) => {
    if (typeof r[k] !== "number" || !Number.isInteger(r[k]) || (r[k] as number) <= 0 || (r[k] as number) > max) p.push(`rule.${k} must be a whole number from 1 to ${max}`);
  };
  switch (r.type) {
    case "OFFICER_DECISION":
      if (Array.isArray(c.clearedBy) && c.clearedBy.length === 0) p.push("an OFFICER_DECISION rule needs at least one role in clearedBy");
      break;
    case "NEGATIVE_TEST_AFTER":
      positive("dueWithinHours", 24 * 14);
      break;
    case "NEGATIVE_TESTS":
      positive("count", 10);
      positive("minGapHours", 24 * 7);
      if (!Array.isArray(r.steps) || !r.steps.every((s) => (STEPS as readonly unknown[]).includes(s))) p.push(`rule.steps must list steps from ${STEPS.join(", ")}`);
      if (Array.isArray(c.clearedBy) && c.clearedBy.length === 0 && Array.isArray(r.steps) && r.steps.length > 0) p.push("a rule with steps needs a role in clearedBy to confirm them");
      break;
    case "SINGLE_TUBE_NEGATIVE":
      break;
    default:
      p.push("rule.type must be OFFICER_DECISION, NEGATIVE_TEST_AFTER, NEGATIVE_TESTS or SINGLE_TUBE_NEGATIVE");
  }
  return p.map((m) => `${kind}: ${m}`);
}

/** Validates a parsed configuration: every kind present, nothing unknown; throws listing every problem. */
export function validateRules(raw: unknown): RulesConfig {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new ConfigError("Clearing rules: the configuration must be an object keyed by cause kind.");
  const entries = raw as Record<string, unknown>;
  const problems: string[] = [];
  for (const kind of Object.keys(entries)) if (!(CAUSE_KINDS as readonly string[]).includes(kind)) problems.push(`${kind}: not a cause kind`);
  for (const kind of CAUSE_KINDS) {
    const c = entries[kind];
    if (typeof c !== "object" || c === null) problems.push(`${kind}: missing`);
    else problems.push(...problemsOf(kind, c as Record<string, unknown>));
  }
  if (problems.length > 0) throw new ConfigError(`Clearing rules are invalid:\n  ${problems.join("\n  ")}`);
  return entries as unknown as RulesConfig;
}

/** Reads and validates the clearing rules (the shipped file unless `path` names another). */
export function loadRules(path = process.env.HEALTH_CODE_CLEARING_RULES || join(__dirname, "clearing-rules.json")): RulesConfig {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new ConfigError(`Clearing rules: cannot read ${path}: ${(e as Error).message}`);
  }
  return validateRules(parsed);
}

let current: RulesConfig | undefined;
/** The rules this process runs with, loaded once. */
export function rules(): RulesConfig {
  return (current ??= loadRules());
}

/** The colour a kind gives. */
export function colourOf(kind: CauseKind): Exclude<Colour, "GREEN"> {
  return rules()[kind].colour;
}
