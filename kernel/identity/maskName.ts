// Masked personal names, as the health code shows them to a registrar or sampler: enough to
// confirm "is this you?" and no more than a surname. Characters are counted by code point, so
// rare characters outside the Basic Multilingual Plane (e.g. 𠮷) count as one.
import { isCompoundSurname } from "./surnames";

// Middle dots used between the parts of Uyghur, Tibetan and transliterated foreign names.
const NAME_DOTS: ReadonlySet<string> = new Set(["·", "•", "・", "‧", "．"]);
const HAN = /\p{Script=Han}/u;

function isSeparator(c: string): boolean {
  return NAME_DOTS.has(c) || c === "-" || /\s/u.test(c);
}

/** Masks a name: the surname (or the first letter of each word of a Latin name) stays, every other letter becomes `*`. */
export function maskName(name: string): string {
  const chars = Array.from(typeof name === "string" ? name : "");
  const letters = chars.filter((c) => !isSeparator(c));
  // A one-letter name would be shown whole by any "keep the first" rule.
  if (letters.length <= 1) return keepFirstLetters(chars, 0);
  // 买买提·艾力: the parts are given name and father's name, not surname and given name, so
  // only the first character is kept, the same amount as a one-character surname.
  if (chars.some((c) => NAME_DOTS.has(c))) return keepFirstLetters(chars, 1);
  if (chars.some((c) => HAN.test(c))) return keepFirstLetters(chars, surnameLength(letters));
  return keepInitials(chars);
}

function surnameLength(letters: string[]): number {
  if (!isCompoundSurname(letters.slice(0, 2).join(""))) return 1;
  // A two-character name that is itself a compound surname (欧阳) is read as surname 欧 and
  // given name 阳: keeping both would show the whole name.
  return letters.length > 2 ? 2 : 1;
}

// Keeps the first `count` letters; separators stay visible since they carry no identity.
function keepFirstLetters(chars: string[], count: number): string {
  let kept = 0;
  return chars
    .map((c) => {
      if (isSeparator(c)) return c;
      kept += 1;
      return kept <= count ? c : "*";
    })
    .join("");
}

// John Smith → J*** S****: the first letter after each separator stays.
function keepInitials(chars: string[]): string {
  return chars.map((c, i) => (isSeparator(c) || i === 0 || isSeparator(chars[i - 1] ?? " ") ? c : "*")).join("");
}
