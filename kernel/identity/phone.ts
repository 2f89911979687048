// Mainland mobile numbers: 11 digits starting 13–19. Desk staff type them with country codes,
// spaces and dashes (and IMEs give full-width digits), so those are normalised before checking.
import { toHalfWidth } from "./normalise";

/** The outcome of checking a mobile number: the bare 11 digits, or a reason and message. */
export type PhoneCheck = { ok: true; phone: string } | { ok: false; reason: "PHONE_FORMAT"; message: string };

/** Validates a mainland mobile number and returns it as 11 digits without a country code; pure, never throws. */
export function checkMobilePhone(raw: string): PhoneCheck {
  const text = typeof raw === "string" ? raw : "";
  const compact = toHalfWidth(text).replace(/[\s\-\u2010-\u2015]+/gu, "");
  // A mobile number starts with 1, so a leading 86 before 11 digits can only be the country code.
  const digits = compact.replace(/^(?:\+86|0086|86)(?=\d{11}$)/, "");
  if (/^1[3-9]\d{9}$/.test(digits)) return { ok: true, phone: digits };
  return { ok: false, reason: "PHONE_FORMAT", message: "A mobile number has 11 digits starting with 13 to 19: check the number." };
}
