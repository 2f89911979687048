// Desk input arrives from scanners, phone keyboards and Chinese IMEs: full-width digits and
// letters (０-９, Ｘ) and full-width spaces are common and mean the same as their ASCII forms.

const FULL_WIDTH_FIRST = 0xff01;
const FULL_WIDTH_LAST = 0xff5e;
const FULL_WIDTH_SHIFT = 0xfee0;

/** Maps full-width ASCII variants (U+FF01–U+FF5E) to ASCII and leaves everything else alone. */
export function toHalfWidth(text: string): string {
  return Array.from(text, (c) => {
    const cp = c.codePointAt(0) ?? 0;
    return cp >= FULL_WIDTH_FIRST && cp <= FULL_WIDTH_LAST ? String.fromCodePoint(cp - FULL_WIDTH_SHIFT) : c;
  }).join("");
}

/** A document number as stored: half-width, upper case, with every space removed. */
export function compactDocumentNumber(raw: string): string {
  return toHalfWidth(raw).replace(/\s+/gu, "").toUpperCase();
}
