// Identifiers inside free text (an appeal's reason, a piece of evidence, a cause's detail): what a
// person writes about themself routinely carries their ID number, phone and name, and sometimes
// someone else's. A viewer below FULL sees the text with every identifier found masked the same
// way as the fields that hold them.
//
// Names cannot be looked up here (most silos hold no names), so a name is detected by shape: one
// of the common surnames (or a compound one) followed by one or two Han characters. That over-
// masks ordinary words that start with such a character (高烧 → 高*); the text stays readable, and
// erring toward masking is the safe side for a viewer who may not see names.
import { maskIdNumber, maskPhone } from "./mask";

// The most common single-character surnames (together about 85% of the population).
const COMMON_SURNAMES =
  "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const COMPOUND = "欧阳|司马|诸葛|上官|东方|皇甫|尉迟|公孙|慕容|长孙|令狐|司徒|夏侯|轩辕|端木|独孤|南宫|西门|宇文|呼延|歐陽|司馬";

// An 18-character citizen ID (or a 15-digit old one), digits possibly grouped by spaces or dashes.
const ID_NUMBER = /(?<![\dA-Za-z])(?:\d[ -]?){17}[\dXx](?![\dA-Za-z])|(?<!\d)\d{15}(?!\d)/g;
// A mainland mobile number, possibly grouped 3-4-4 and prefixed with +86.
const PHONE = /(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)/g;
// Any other long number (passport and permit numbers, bank cards, landlines): 6 digits or more.
const LONG_NUMBER = /[A-Za-z]?\d(?:[ -]?\d){5,}/g;
const NAME = new RegExp(`(${COMPOUND}|[${COMMON_SURNAMES}])(\\p{Script=Han}{1,2})`, "gu");

const digitsOf = (s: string) => s.replace(/[ -]/g, "");

/** Which identifiers to mask; all by default (a viewer who sees free text in full may see some kinds). */
export interface TextMasking {
  idNumbers?: boolean;
  phones?: boolean;
  names?: boolean;
}

/** Masks every ID number (and other long number), phone number and name-shaped word found in `text`. */
export function maskIdentifiersInText(text: string, mask: TextMasking = {}): string {
  const { idNumbers = true, phones = true, names = true } = mask;
  let out = text;
  if (idNumbers) out = out.replace(ID_NUMBER, (m) => maskIdNumber(digitsOf(m)));
  if (phones) out = out.replace(PHONE, (m) => maskPhone(digitsOf(m)));
  if (idNumbers) {
    // Other long numbers (passports, permits) are identity documents too; a phone left visible is skipped.
    out = out.replace(LONG_NUMBER, (m) => {
      const d = digitsOf(m);
      if (d.includes("*") || (!phones && /^1[3-9]\d{9}$/.test(d))) return m;
      return `${d.slice(0, 2)}${"*".repeat(Math.max(1, d.length - 4))}${d.slice(-2)}`;
    });
  }
  if (names) out = out.replace(NAME, (_m, surname: string, given: string) => surname + "*".repeat(Array.from(given).length));
  return out;
}

/** What a viewer who may not read free text learns of it: that it exists, and its length. */
export function redactText(text: string): string {
  return `[redacted: ${Array.from(text).length} characters]`;
}
