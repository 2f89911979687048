// A synthetic city of any size for the health-code silo, computed resident by resident from the
// resident's index alone, so a benchmark can recompute any resident's ID number (and so their
// person id, which is keyed by the pepper) without holding the population in memory.
// ID numbers are distinct by construction: index → (district, birth date, sequence) is a
// bijection (a multiplication by a prime modulo the size of that space), with the GB 11643 check
// character computed, so every one passes the silo's own validation.
import { citizenIdCheckCharacter } from "../../kernel/identity";

const DISTRICTS: ReadonlyArray<readonly [string, string]> = [
  ["110101", "东城区"], ["110102", "西城区"], ["110105", "朝阳区"], ["110106", "丰台区"], ["110107", "石景山区"], ["110108", "海淀区"],
  ["110109", "门头沟区"], ["110111", "房山区"], ["110112", "通州区"], ["110113", "顺义区"], ["110114", "昌平区"], ["110115", "大兴区"],
  ["110116", "怀柔区"], ["110117", "平谷区"], ["110118", "密云区"], ["110119", "延庆区"],
];
const COMMUNITY_STEMS = ["和平里", "东四", "交道口", "月坛", "德胜", "金融街", "望京", "双井", "团结湖", "中关村", "学院路", "万柳", "方庄", "卢沟桥", "八角", "回龙观", "天通苑", "梨园", "亦庄", "胜利"];
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗", "欧阳", "司马", "诸葛", "上官"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "红", "玉", "兰", "梅", "浩", "宇", "欣", "怡", "子", "轩"];

const DAY = 86_400_000;
const FIRST_BIRTH = Date.UTC(1940, 0, 1);
const BIRTH_DAYS = Math.floor((Date.UTC(2021, 11, 31) - FIRST_BIRTH) / DAY) + 1;
const SPACE = DISTRICTS.length * BIRTH_DAYS * 1000;
// A prime that divides neither 16, the number of days nor 1000, so i → i·P mod SPACE is one-to-one.
const SCRAMBLE = 1_000_003;

/** The most residents one population can hold (every ID number distinct). */
export const MAX_RESIDENTS = SPACE;

export type GeneratedCauseKind = "POPUP_MEDICINE" | "POPUP_TRAVEL" | "POPUP_RISK_POINT" | "HOME_OBSERVATION" | "CENTRAL_QUARANTINE";
const COLOUR: Record<GeneratedCauseKind, string> = { POPUP_MEDICINE: "POPUP", POPUP_TRAVEL: "POPUP", POPUP_RISK_POINT: "POPUP", HOME_OBSERVATION: "YELLOW", CENTRAL_QUARANTINE: "RED" };
// The demo city's shares of open causes (kernel/demo/city.ts): 18% of residents have one.
const OPEN_SHARES: Array<[GeneratedCauseKind, number]> = [["POPUP_MEDICINE", 0.08], ["POPUP_TRAVEL", 0.04], ["POPUP_RISK_POINT", 0.03], ["HOME_OBSERVATION", 0.02], ["CENTRAL_QUARANTINE", 0.01]];
const DETAIL: Record<GeneratedCauseKind, string> = {
  POPUP_MEDICINE: "Bought fever, cough, antibiotic or sore-throat medicine: test within 72 hours",
  POPUP_TRAVEL: "Entered the city from a medium or high-risk area in the last 14 days",
  POPUP_RISK_POINT: "Visited a reported case's risk point",
  HOME_OBSERVATION: "Home observation managed by the community",
  CENTRAL_QUARANTINE: "Central quarantine per the health commission",
};

export interface GeneratedResident {
  idNumber: string;
  name: string;
  phone: string;
  birthDate: string;
  sex: "M" | "F";
  district: string;
  community: string;
  addressDetail: string;
  householdDistrict: string;
  householdAddress: string;
}
export interface GeneratedCause { id: string; kind: GeneratedCauseKind; raisedAt: Date; clearedAt: Date | null }
export interface GeneratedChange { id: string; at: Date; from: string; to: string; change: "RAISED" | "CLEARED"; causeId: string; causeKind: GeneratedCauseKind; reason: string }
export interface GeneratedTest { tubeId: string; swabbedAt: Date; recordedAt: Date; pooled: boolean }
export interface ResidentHistory { causes: GeneratedCause[]; changes: GeneratedChange[]; tests: GeneratedTest[] }
export interface ResidentPlan extends ResidentHistory { resident: GeneratedResident }

/** 32 pseudo-random bits for (seed, index, salt): a stateless hash (splitmix-style). */
function bits(seed: number, i: number, salt: number): number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(i + 0x632be5ab, 0xc2b2ae35) ^ Math.imul(salt + 1, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return (h ^ (h >>> 16)) >>> 0;
}
const unit = (seed: number, i: number, salt: number) => bits(seed, i, salt) / 4294967296;
const pick = <T>(items: readonly T[], seed: number, i: number, salt: number): T => items[bits(seed, i, salt) % items.length]!;

/** A UUID (version 4 layout) that the same seed, index and salt always give: 128 hashed bits, no digest per id. */
function stableUuid(seed: number, i: number, salt: number): string {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  const a = hex(bits(seed, i, salt)), b = hex(bits(seed, i, salt + 0x1000)), c = hex(bits(seed, i, salt + 0x2000)), d = hex(bits(seed, i, salt + 0x3000));
  return `${a}-${b.slice(0, 4)}-4${b.slice(5, 8)}-${"89ab"[parseInt(c[0]!, 16) & 3]}${c.slice(1, 4)}-${c.slice(4)}${d}`;
}

/** The citizen ID number of resident `i` (0 ≤ i < MAX_RESIDENTS); distinct for distinct `i` of one seed. */
export function idNumberAt(i: number, seed = 1): string {
  if (!Number.isInteger(i) || i < 0 || i >= SPACE) throw new Error(`A resident index is 0 to ${SPACE - 1}, got ${i}.`);
  const k = Number((BigInt(i) * BigInt(SCRAMBLE) + BigInt(seed)) % BigInt(SPACE));
  const [region] = DISTRICTS[k % DISTRICTS.length]!;
  const rest = Math.floor(k / DISTRICTS.length);
  const birth = new Date(FIRST_BIRTH + (rest % BIRTH_DAYS) * DAY).toISOString().slice(0, 10).replace(/-/g, "");
  const sequence = String(Math.floor(rest / BIRTH_DAYS)).padStart(3, "0");
  const first17 = `${region}${birth}${sequence}`;
  return first17 + citizenIdCheckCharacter(first17);
}

/** The record of resident `i`: identity, phone, residence and household registration. */
export function residentAt(i: number, seed: number): GeneratedResident {
  const idNumber = idNumberAt(i, seed);
  const [, district] = DISTRICTS.find(([code]) => code === idNumber.slice(0, 6))!;
  const community = `${pick(COMMUNITY_STEMS, seed, i, 1)}社区`;
  // One in five lives away from the district of their household registration (人户分离).
  const moved = unit(seed, i, 2) < 0.2;
  const home = moved ? pick(DISTRICTS, seed, i, 3)[1] : district;
  const given = pick(GIVEN, seed, i, 4) + (unit(seed, i, 5) < 0.7 ? pick(GIVEN, seed, i, 6) : "");
  return {
    idNumber,
    name: pick(SURNAMES, seed, i, 7) + given,
    phone: `1${pick(["3", "5", "7", "8", "9"], seed, i, 8)}${String(bits(seed, i, 9) % 1_000_000_000).padStart(9, "0")}`,
    birthDate: `${idNumber.slice(6, 10)}-${idNumber.slice(10, 12)}-${idNumber.slice(12, 14)}`,
    sex: (idNumber.charCodeAt(16) - 48) % 2 === 1 ? "M" : "F",
    district: home,
    community: moved ? `${pick(COMMUNITY_STEMS, seed, i, 10)}社区` : community,
    addressDetail: `${1 + (bits(seed, i, 11) % 30)}号楼${1 + (bits(seed, i, 12) % 6)}单元${101 + (bits(seed, i, 13) % 2300)}`,
    householdDistrict: district,
    householdAddress: `${community}${1 + (bits(seed, i, 14) % 80)}号`,
  };
}

/**
 * What the silo holds about resident `i` at `now` besides the record: an open cause for 18% (the
 * demo city's shares); one or two cleared medicine pop-ups in the past for 30% (each cleared by a
 * negative test), with the colour changes they caused; and a recent negative test for 40% of those
 * with no open cause.
 */
export function historyAt(i: number, seed: number, now: number): ResidentHistory {
  const causes: GeneratedCause[] = [];
  const tests: GeneratedTest[] = [];
  const cleared = unit(seed, i, 20) < 0.3 ? (unit(seed, i, 21) < 0.2 ? 2 : 1) : 0;
  for (let k = 0; k < cleared; k++) {
    const raisedAt = new Date(now - (30 + k * 40 + (bits(seed, i, 22 + k) % 20)) * DAY);
    const swabbedAt = new Date(raisedAt.getTime() + (6 + (bits(seed, i, 24 + k) % 48)) * 3_600_000);
    const recordedAt = new Date(swabbedAt.getTime() + 10 * 3_600_000);
    causes.push({ id: stableUuid(seed, i, 100 + k), kind: "POPUP_MEDICINE", raisedAt, clearedAt: recordedAt });
    tests.push({ tubeId: `G${seed}-${i}-${k}`, swabbedAt, recordedAt, pooled: true });
  }
  const roll = unit(seed, i, 30);
  let acc = 0;
  for (const [kind, share] of OPEN_SHARES) {
    acc += share;
    if (roll < acc) {
      causes.push({ id: stableUuid(seed, i, 110), kind, raisedAt: new Date(now - (1 + (bits(seed, i, 31) % 72)) * 3_600_000), clearedAt: null });
      break;
    }
  }
  if (causes.every((c) => c.clearedAt !== null) && unit(seed, i, 32) < 0.4) {
    const swabbedAt = new Date(now - (1 + (bits(seed, i, 33) % 5)) * DAY);
    tests.push({ tubeId: `G${seed}-${i}-r`, swabbedAt, recordedAt: new Date(swabbedAt.getTime() + 8 * 3_600_000), pooled: true });
  }
  // Causes never overlap here, so each raise turns GREEN to its colour and each clearing back.
  const changes: GeneratedChange[] = [];
  for (const [j, c] of causes.entries()) {
    changes.push({ id: stableUuid(seed, i, 200 + 2 * j), at: c.raisedAt, from: "GREEN", to: COLOUR[c.kind], change: "RAISED", causeId: c.id, causeKind: c.kind, reason: DETAIL[c.kind] });
    if (c.clearedAt) changes.push({ id: stableUuid(seed, i, 201 + 2 * j), at: c.clearedAt, from: COLOUR[c.kind], to: "GREEN", change: "CLEARED", causeId: c.id, causeKind: c.kind, reason: "a negative test swabbed after the purchase" });
  }
  return { causes, changes, tests };
}

/** Everything the silo holds about resident `i` at `now`: the record and its history. */
export function planAt(i: number, seed: number, now: number): ResidentPlan {
  return { resident: residentAt(i, seed), ...historyAt(i, seed, now) };
}

/** The detail text of a generated cause. */
export const detailOf = (kind: GeneratedCauseKind): string => DETAIL[kind];

/** True when resident `i` has an open cause (a non-green status). */
export const hasOpenCause = (i: number, seed: number, now: number): boolean => planAt(i, seed, now).causes.some((c) => c.clearedAt === null);
