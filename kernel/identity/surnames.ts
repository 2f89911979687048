// Two-character (compound) Chinese surnames. A masked name keeps the whole surname, so without
// this list 欧阳娜娜 would show as 欧*** and read as a different family.

// Beyond the common ones, only surnames whose first character is rare as a surname on its own:
// a false match shows one character of a given name (listing 段干 would show the 干 of 段干明,
// whose surname is 段). Traditional forms cover names written as on Hong Kong/Macao/Taiwan papers.
const COMPOUND_SURNAMES: ReadonlySet<string> = new Set([
  "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙",
  "令狐", "司徒", "夏侯", "轩辕", "端木", "独孤", "南宫", "西门", "宇文", "呼延",
  "万俟", "澹台", "公冶", "申屠", "太史", "钟离", "闻人", "赫连", "濮阳", "东郭",
  "百里", "司空", "第五", "拓跋", "鲜于", "闾丘", "淳于", "左丘", "仲孙", "叔孙",
  "颛孙", "漆雕", "亓官", "巫马", "羊舌",
  "歐陽", "司馬", "諸葛", "東方", "尉遲", "公孫", "長孫", "軒轅", "獨孤", "南宮",
  "西門", "萬俟", "澹臺", "鍾離", "聞人", "赫連", "濮陽", "東郭", "鮮于", "閭丘",
  "仲孫", "叔孫", "顓孫", "巫馬",
]);

/** Whether two characters form a compound surname such as 欧阳 or 司马. */
export function isCompoundSurname(firstTwo: string): boolean {
  return COMPOUND_SURNAMES.has(firstTwo);
}
