// Province-level codes (GB/T 2260), the first two digits of a citizen ID number.
// Only the province is checked: the full 6-digit county table changes every year and an ID
// keeps the code of the county that issued it, so a stale table would refuse real people.

/** A province-level division as GB/T 2260 names it. */
export interface Province {
  code: string;
  name: string;
  english: string;
}

const TABLE: readonly Province[] = [
  { code: "11", name: "北京市", english: "Beijing" },
  { code: "12", name: "天津市", english: "Tianjin" },
  { code: "13", name: "河北省", english: "Hebei" },
  { code: "14", name: "山西省", english: "Shanxi" },
  { code: "15", name: "内蒙古自治区", english: "Inner Mongolia" },
  { code: "21", name: "辽宁省", english: "Liaoning" },
  { code: "22", name: "吉林省", english: "Jilin" },
  { code: "23", name: "黑龙江省", english: "Heilongjiang" },
  { code: "31", name: "上海市", english: "Shanghai" },
  { code: "32", name: "江苏省", english: "Jiangsu" },
  { code: "33", name: "浙江省", english: "Zhejiang" },
  { code: "34", name: "安徽省", english: "Anhui" },
  { code: "35", name: "福建省", english: "Fujian" },
  { code: "36", name: "江西省", english: "Jiangxi" },
  { code: "37", name: "山东省", english: "Shandong" },
  { code: "41", name: "河南省", english: "Henan" },
  { code: "42", name: "湖北省", english: "Hubei" },
  { code: "43", name: "湖南省", english: "Hunan" },
  { code: "44", name: "广东省", english: "Guangdong" },
  { code: "45", name: "广西壮族自治区", english: "Guangxi" },
  { code: "46", name: "海南省", english: "Hainan" },
  { code: "50", name: "重庆市", english: "Chongqing" },
  { code: "51", name: "四川省", english: "Sichuan" },
  { code: "52", name: "贵州省", english: "Guizhou" },
  { code: "53", name: "云南省", english: "Yunnan" },
  { code: "54", name: "西藏自治区", english: "Xizang (Tibet)" },
  { code: "61", name: "陕西省", english: "Shaanxi" },
  { code: "62", name: "甘肃省", english: "Gansu" },
  { code: "63", name: "青海省", english: "Qinghai" },
  { code: "64", name: "宁夏回族自治区", english: "Ningxia" },
  { code: "65", name: "新疆维吾尔自治区", english: "Xinjiang" },
  { code: "71", name: "台湾省", english: "Taiwan" },
  // 81–83 appear on residence permits (居住证) issued since 2018 to Hong Kong, Macao and
  // Taiwan residents living on the mainland; these permits carry an 18-character ID number.
  { code: "81", name: "香港特别行政区", english: "Hong Kong" },
  { code: "82", name: "澳门特别行政区", english: "Macao" },
  { code: "83", name: "台湾居民（居住证）", english: "Taiwan residents (residence permit)" },
];

const BY_CODE: ReadonlyMap<string, Province> = new Map(TABLE.map((p) => [p.code, p]));

/** Every valid two-digit province code, in table order. */
export const PROVINCE_CODES: readonly string[] = TABLE.map((p) => p.code);

/** The province for a two-digit code, or undefined when the code is not a province. */
export function provinceOf(code: string): Province | undefined {
  return BY_CODE.get(code);
}

/** Whether a two-digit code is a real province-level code. */
export function isProvinceCode(code: string): boolean {
  return BY_CODE.has(code);
}
