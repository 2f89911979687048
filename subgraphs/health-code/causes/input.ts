// Checks on free text arguments of the cause mutations.
import { fail } from "../../../kernel/runtime/errors";

/** The trimmed text, or BAD_USER_INPUT when it is blank or longer than `max` characters. */
export function text(value: string, field: string, max: number): string {
  const t = value.trim();
  if (t.length === 0) throw fail("BAD_USER_INPUT", `${field} is empty: say it in a few words.`, { field });
  if (t.length > max) throw fail("BAD_USER_INPUT", `${field} is longer than ${max} characters: shorten it.`, { field });
  return t;
}
