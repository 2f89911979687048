// Box and tube codes as scanned from their labels.
import { fail } from "../../kernel/runtime/errors";

const CODE = /^[A-Za-z0-9-]{1,40}$/;

/** A code as it is stored and compared: trimmed, upper case (scanned, or named in a lab's upload). */
export const normalCode = (raw: string): string => raw.trim().toUpperCase();

/** A trimmed, upper-cased code, or BAD_USER_INPUT naming which label to rescan. */
export function scannedCode(raw: string, what: "box" | "tube"): string {
  const code = normalCode(raw);
  if (!CODE.test(code)) throw fail("BAD_USER_INPUT", `The ${what} code must be 1 to 40 letters, digits or dashes: rescan the ${what} label.`, { field: `${what}Code` });
  return code;
}
