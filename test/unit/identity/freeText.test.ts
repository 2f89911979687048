// Identifiers inside free text are masked below FULL, each kind the way its own field is.
import { maskIdentifiersInText, redactText } from "../../../kernel/identity/freeText";

const text = "我是王小明，身份证110101199003071234，电话 138 0013 8000，护照E12345678。欧阳娜娜陪同。";

describe("identifiers in free text", () => {
  it("masks ID numbers, phones, other long numbers and name-shaped words", () => {
    const masked = maskIdentifiersInText(text);
    for (const secret of ["110101199003071234", "138 0013 8000", "12345678", "王小明", "欧阳娜娜"]) expect(masked).not.toContain(secret);
    expect(masked).toContain("11**************34");
    expect(masked).toContain("138****8000");
    expect(masked).toContain("王**");
    expect(masked).toContain("欧阳**");
  });

  it("finds grouped and 15-digit ID numbers and an X check character", () => {
    expect(maskIdentifiersInText("110101 19900307 123X")).toBe("11**************3X");
    expect(maskIdentifiersInText("号码110101900307123。")).not.toContain("110101900307123");
  });

  it("masks only the kinds asked for (an officer sees names and phones, not ID numbers)", () => {
    const officer = maskIdentifiersInText(text, { idNumbers: true, phones: false, names: false });
    expect(officer).toContain("王小明");
    expect(officer).toContain("138 0013 8000");
    expect(officer).not.toContain("110101199003071234");
  });

  it("redacts to a length", () => {
    expect(redactText("不是我")).toBe("[redacted: 3 characters]");
  });
});
