// The check-in siren and admission rule (seeds 003 and 004), in one place: the venues silo
// answers `alert` and `admitted` with it, and the live feed derives the same fields from the
// colour and the venue's kind it reads, so the feed needs no further call to venues after
// health-code and the rule cannot drift between the two.

export type Colour = "GREEN" | "YELLOW" | "RED" | "POPUP";

/** Seed 004: a pop-up person must be able to reach a hospital or a testing site to get tested. */
const NEVER_REFUSES: ReadonlySet<string> = new Set(["HOSPITAL", "TESTING_SITE"]);

/** The siren: any colour but GREEN; null when the colour was not disclosed to the viewer. */
export function alertFor(colour: Colour | null | undefined): boolean | null {
  return colour == null ? null : colour !== "GREEN";
}

/** Whether the venue lets the visitor in: hospitals and testing sites always; others only GREEN (null: colour unknown). */
export function admittedFor(colour: Colour | null | undefined, venueKind: string | null | undefined): boolean | null {
  if (venueKind != null && NEVER_REFUSES.has(venueKind)) return true;
  return colour == null ? null : colour === "GREEN";
}
