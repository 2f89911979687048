// Identity documents accepted at a desk, and the one entry point that validates any of them.
// Validation is pure and returns a reason code plus a message for the person at the desk, so
// a bad number is refused at once instead of becoming a lost result later.
import { GraphQLError } from "graphql";
import { checkCitizenId } from "./citizenId";
import { checkOtherDocument } from "./otherDocuments";

/** The kinds of identity document a person may register with. */
export type DocumentType = "CITIZEN_ID" | "PASSPORT" | "HK_MACAO_PERMIT" | "TAIWAN_PERMIT" | "FOREIGN_PERMANENT_RESIDENCE";

/** Every DocumentType, for schema enums and runtime checks of untyped input. */
export const DOCUMENT_TYPES: readonly DocumentType[] = [
  "CITIZEN_ID",
  "PASSPORT",
  "HK_MACAO_PERMIT",
  "TAIWAN_PERMIT",
  "FOREIGN_PERMANENT_RESIDENCE",
];

/** A document that passed validation, with its number normalised (upper case, no spaces). */
export interface ValidDocument {
  type: DocumentType;
  number: string;
  /** YYYY-MM-DD, read from a citizen ID number. */
  birthDate?: string;
  sex?: "M" | "F";
  /** The 6-digit administrative division code of a citizen ID number. */
  regionCode?: string;
}

/** Why a document number was refused; each is reported to the client as `extensions.reason`. */
export type IdProblemReason =
  | "ID_EMPTY"
  | "ID_LENGTH"
  | "ID_CHARACTERS"
  | "ID_REGION"
  | "ID_BIRTH_DATE"
  | "ID_BIRTH_DATE_FUTURE"
  | "ID_CHECK_CHARACTER"
  | "DOC_FORMAT"
  | "DOC_TYPE";

/** A refused document: a machine-readable reason and a message that never repeats the number. */
export interface DocumentProblem {
  ok: false;
  reason: IdProblemReason;
  message: string;
}

/** The outcome of checking one document number. */
export type DocumentCheck = { ok: true; doc: ValidDocument } | DocumentProblem;

/** Validates and normalises a document number; pure, never throws. */
export function checkDocument(type: DocumentType, raw: string, now: Date = new Date()): DocumentCheck {
  // Input may come from untyped JSON, so the declared types are checked again at run time.
  const text = typeof raw === "string" ? raw : "";
  if (type === "CITIZEN_ID") return checkCitizenId(text, now);
  if (DOCUMENT_TYPES.includes(type)) return checkOtherDocument(type, text);
  return { ok: false, reason: "DOC_TYPE", message: "This kind of document is not accepted: use an ID card, passport or permit." };
}

/** Validates a document number, throwing a BAD_USER_INPUT GraphQLError with the reason when it is refused. */
export function requireDocument(type: DocumentType, raw: string, now: Date = new Date()): ValidDocument {
  const result = checkDocument(type, raw, now);
  if (result.ok) return result.doc;
  throw new GraphQLError(result.message, { extensions: { code: "BAD_USER_INPUT", reason: result.reason } });
}
