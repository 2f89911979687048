// The siren and admission rule shared by the venues silo and the live feed (seeds 003, 004).
import { admittedFor, alertFor } from "../../kernel/venues/admission";

describe("the check-in siren and admission", () => {
  test("the siren sounds for every colour but GREEN, and says nothing when the colour is unknown", () => {
    expect([alertFor("GREEN"), alertFor("YELLOW"), alertFor("RED"), alertFor("POPUP"), alertFor(null), alertFor(undefined)]).toEqual([false, true, true, true, null, null]);
  });

  test("hospitals and testing sites admit every colour, even an unknown one; other venues only GREEN", () => {
    for (const kind of ["HOSPITAL", "TESTING_SITE"]) {
      expect([admittedFor("GREEN", kind), admittedFor("POPUP", kind), admittedFor("RED", kind), admittedFor(null, kind)]).toEqual([true, true, true, true]);
    }
    for (const kind of ["SHOP", "RESTAURANT", "TRANSPORT", null]) {
      expect([admittedFor("GREEN", kind), admittedFor("YELLOW", kind), admittedFor("POPUP", kind), admittedFor(null, kind)]).toEqual([true, false, false, null]);
    }
  });
});
