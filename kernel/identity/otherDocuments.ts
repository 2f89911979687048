// Format checks for documents other than the citizen ID. These numbers carry no birth date and
// (except the 2017 permanent-residence card) no check character, so only the shape is checked;
// the formats, and what they are based on, are listed in docs/identity.md.
import type { DocumentCheck, DocumentType } from "./documents";
import { citizenIdCheckCharacter } from "./citizenId";
import { compactDocumentNumber } from "./normalise";

type OtherDocumentType = Exclude<DocumentType, "CITIZEN_ID">;

interface Format {
  /** What a person at the desk calls the document. */
  label: string;
  patterns: readonly RegExp[];
  /** The accepted shapes, in words, for the refusal message. */
  shape: string;
}

const FORMATS: Readonly<Record<OtherDocumentType, Format>> = {
  PASSPORT: {
    label: "passport",
    // A Chinese ordinary passport (E + 8 digits, or E + letter + 7 digits) also fits the
    // general rule; the holder's nationality is not known here, so both are accepted.
    patterns: [/^E\d{8}$/, /^E[A-Z]\d{7}$/, /^[A-Z0-9]{5,17}$/],
    shape: "5 to 17 letters and digits",
  },
  HK_MACAO_PERMIT: {
    label: "Hong Kong/Macao permit",
    // Mainland residents' travel permit (往来港澳通行证): C + 8; residents' Home Return Permit
    // (回乡证): H (Hong Kong) or M (Macao) + 8 digits, or + 10 digits on older cards.
    patterns: [/^C[A-Z0-9]{8}$/, /^[HM]\d{8}$/, /^[HM]\d{10}$/],
    shape: "C followed by 8 letters or digits, or H or M followed by 8 or 10 digits",
  },
  TAIWAN_PERMIT: {
    label: "Taiwan compatriot permit",
    // 台胞证: 8 digits on the card issued since 2015; older booklets had 10 characters
    // including letter(s).
    patterns: [/^\d{8}$/, /^(?=[A-Z0-9]*[A-Z])[A-Z0-9]{10}$/],
    shape: "8 digits, or 10 letters and digits on an older permit",
  },
  FOREIGN_PERMANENT_RESIDENCE: {
    label: "permanent residence card",
    // 2017 card: 18 characters starting with 9, check character by MOD 11-2 (checked below);
    // older card: 3-letter nationality code + 12 digits.
    patterns: [/^9\d{16}[\dX]$/, /^[A-Z]{3}\d{12}$/],
    shape: "18 characters starting with 9, or 3 letters followed by 12 digits",
  },
};

/** Validates and normalises a passport, permit or permanent-residence number; pure, never throws. */
export function checkOtherDocument(type: OtherDocumentType, raw: string): DocumentCheck {
  const format = FORMATS[type];
  const number = compactDocumentNumber(raw);
  if (number === "") {
    return { ok: false, reason: "ID_EMPTY", message: `No ${format.label} number was given: enter the number from the document.` };
  }
  if (!format.patterns.some((p) => p.test(number))) {
    return { ok: false, reason: "DOC_FORMAT", message: `A ${format.label} number is ${format.shape}: check the number.` };
  }
  if (type === "FOREIGN_PERMANENT_RESIDENCE" && number.length === 18) {
    const expected = citizenIdCheckCharacter(number.slice(0, 17));
    const actual = number.charAt(17);
    if (expected !== actual) {
      const message = `The card number's last character should be ${expected}, not ${actual}: check the number against the card.`;
      return { ok: false, reason: "ID_CHECK_CHARACTER", message };
    }
  }
  return { ok: true, doc: { type, number } };
}
