// Ids an app makes for one change of its own (a check-in's scanId, a register request's
// requestKey), so the change sent again after an answer that never came is answered with what the
// first sending did, never made twice. An app-made id such as a UUID: nothing a person could be
// read from, and never echoed in an error.
import { fail } from "../../kernel/runtime/errors";

const CLIENT_KEY = /^[A-Za-z0-9._:-]{8,64}$/;

/** The key as sent, checked; null when none was sent. `what`: "scan" or "request", for the message; `reason`: the refusal's. */
export function clientKeyOf(raw: string | null | undefined, field: string, what: string, reason: string): string | null {
  if (raw === null || raw === undefined) return null;
  if (!CLIENT_KEY.test(raw)) {
    throw fail("BAD_USER_INPUT", `${field} must be 8 to 64 letters, digits, '.', '_', ':' or '-' (a UUID the app makes for this one ${what}); nothing was changed.`, {
      reason,
      field,
    });
  }
  return raw;
}
