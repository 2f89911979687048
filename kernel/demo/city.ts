// The embedded mode's demo city: residents with valid ID numbers, testing agencies and sites,
// venues with registers, and some residents with pop-ups. Deterministic for a seed, so every
// silo derives the same city and seeds only its own part of it.
import { citizenIdCheckCharacter, personIdFor } from "../identity";
import { seededRandom, type Random } from "./random";

export interface DemoResident {
  personId: string;
  idNumber: string;
  name: string;
  phone: string;
  birthDate: string;
  sex: "M" | "F";
  district: string;
  community: string;
  addressDetail: string;
}
export interface DemoCause { personId: string; kind: "CENTRAL_QUARANTINE" | "HOME_OBSERVATION" | "POPUP_TRAVEL" | "POPUP_RISK_POINT" | "POPUP_MEDICINE"; detail: string; raisedAt: Date }
export interface DemoSite { id: string; agencyId: string; name: string; district: string; community: string; address: string; pooled: boolean }
export interface DemoAgency { id: string; code: string; name: string; open24h: boolean }
export interface DemoTube { code: string; boxCode: string; siteId: string; capacity: number }
export interface DemoSwab { tubeCode: string; personId: string; idNumber: string; swabbedAt: Date }
export interface DemoResult { tubeCode: string; agencyId: string; outcome: "NEGATIVE"; recordedAt: Date }
export interface DemoVenue { id: string; name: string; district: string; community: string; address: string }
export interface DemoRegister { id: string; venueId: string; registrarId: string; code: string; label: string }
export interface DemoCheckIn { registerId: string; personId: string; checkedInAt: Date }
/** A guardian's proxy look-up binding (老幼助查); faceVerified false is one still awaiting face verification. */
export interface DemoBinding { id: string; guardianId: string; wardId: string; relation: string; faceVerified: boolean }

export interface DemoCity {
  residents: DemoResident[];
  causes: DemoCause[];
  agencies: DemoAgency[];
  sites: DemoSite[];
  tubes: DemoTube[];
  /** The demo's testing staff: bound as sampler to every site and as lab staff to every agency (the last resident; `npm run token` uses it for staff roles). */
  staffId: string;
  swabs: DemoSwab[];
  results: DemoResult[];
  venues: DemoVenue[];
  registers: DemoRegister[];
  checkIns: DemoCheckIn[];
  bindings: DemoBinding[];
}

const DISTRICTS = [
  { code: "110101", name: "东城区", communities: ["和平里社区", "东四社区", "交道口社区"] },
  { code: "110102", name: "西城区", communities: ["月坛社区", "德胜社区", "金融街社区"] },
  { code: "110105", name: "朝阳区", communities: ["望京社区", "双井社区", "团结湖社区"] },
  { code: "110108", name: "海淀区", communities: ["中关村社区", "学院路社区", "万柳社区"] },
] as const;
const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "欧阳", "司马", "诸葛", "上官"];
const GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "秀", "霞", "平", "刚", "桂", "英", "华", "建", "国", "文", "红", "玉", "兰", "梅"];
const DAY = 86_400_000;

function idNumber(rnd: Random, region: string, birth: Date, male: boolean): string {
  const ymd = birth.toISOString().slice(0, 10).replace(/-/g, "");
  let seq = rnd.int(0, 99) * 10 + rnd.int(0, 9);
  if ((seq % 2 === 1) !== male) seq = seq % 2 === 1 ? seq - 1 : seq + 1;
  const first17 = `${region}${ymd}${String(Math.max(seq, male ? 1 : 0)).padStart(3, "0")}`;
  return first17 + citizenIdCheckCharacter(first17);
}

function residents(rnd: Random, count: number, pepper: Uint8Array, now: number): DemoResident[] {
  const out: DemoResident[] = [];
  const seen = new Set<string>();
  while (out.length < count) {
    const d = rnd.pick(DISTRICTS);
    const birth = new Date(Date.UTC(rnd.int(1940, 2018), rnd.int(0, 11), rnd.int(1, 28)));
    if (birth.getTime() > now) continue;
    const male = rnd.chance(0.5);
    const id = idNumber(rnd, d.code, birth, male);
    if (seen.has(id)) continue;
    seen.add(id);
    const given = rnd.pick(GIVEN) + (rnd.chance(0.7) ? rnd.pick(GIVEN) : "");
    out.push({
      personId: personIdFor({ type: "CITIZEN_ID", number: id }, pepper),
      idNumber: id,
      name: rnd.pick(SURNAMES) + given,
      phone: `1${rnd.pick(["3", "5", "8"])}${String(rnd.int(0, 999_999_999)).padStart(9, "0")}`,
      birthDate: birth.toISOString().slice(0, 10),
      sex: male ? "M" : "F",
      district: d.name,
      community: rnd.pick(d.communities),
      addressDetail: `${rnd.int(1, 30)}号楼${rnd.int(1, 6)}单元${rnd.int(101, 2402)}`,
    });
  }
  return out;
}

const CAUSES: Array<[DemoCause["kind"], number, string]> = [
  ["POPUP_MEDICINE", 0.08, "Bought fever, cough, antibiotic or sore-throat medicine in the last 14 days: test within 72 hours"],
  ["POPUP_TRAVEL", 0.04, "Entered the city from a medium or high-risk area in the last 14 days"],
  ["POPUP_RISK_POINT", 0.03, "Visited a reported case's risk point or crossed a case's track"],
  ["HOME_OBSERVATION", 0.02, "Home observation managed by the community"],
  ["CENTRAL_QUARANTINE", 0.01, "Central quarantine per the health commission"],
];

/** Builds the demo city for a pepper (person ids depend on it) and a size. */
export function buildCity(pepper: Uint8Array, size = 300, seed = 20220126, now = Date.now()): DemoCity {
  const rnd = seededRandom(seed);
  const people = residents(rnd, size, pepper, now);
  const causes: DemoCause[] = [];
  for (const p of people) {
    const roll = rnd.next();
    let acc = 0;
    for (const [kind, share, detail] of CAUSES) {
      acc += share;
      if (roll < acc) {
        causes.push({ personId: p.personId, kind, detail, raisedAt: new Date(now - rnd.int(1, 3) * DAY) });
        break;
      }
    }
  }
  const agencies: DemoAgency[] = [1, 2, 3, 4].map((n) => ({ id: `agency-${n}`, code: `BJ-LAB-${String(n).padStart(3, "0")}`, name: `第${n}核酸检测实验室`, open24h: n <= 2 }));
  const sites: DemoSite[] = DISTRICTS.flatMap((d, i) =>
    d.communities.map((c, j) => ({ id: `site-${d.code}-${j + 1}`, agencyId: agencies[(i + j) % agencies.length]!.id, name: `${c}采样点`, district: d.name, community: c, address: `${d.name}${c}便民广场`, pooled: j !== 2 })),
  );
  const tubes: DemoTube[] = sites.flatMap((s) =>
    Array.from({ length: 6 }, (_, k) => ({ code: `T-${s.id.slice(5)}-${String(k + 1).padStart(3, "0")}`, boxCode: `B-${s.id.slice(5)}-01`, siteId: s.id, capacity: s.pooled ? 10 : 1 })),
  );
  // Past tests: residents without a pop-up were swabbed three days ago, ten to a tube, all negative.
  const swabs: DemoSwab[] = [];
  const results: DemoResult[] = [];
  const popped = new Set(causes.map((c) => c.personId));
  const tested = people.filter((p) => !popped.has(p.personId) && rnd.chance(0.5));
  for (let i = 0; i < tested.length; i += 10) {
    const tubeCode = `H-${String(i / 10 + 1).padStart(5, "0")}`;
    const swabbedAt = new Date(now - 3 * DAY);
    tested.slice(i, i + 10).forEach((p) => swabs.push({ tubeCode, personId: p.personId, idNumber: p.idNumber, swabbedAt }));
    results.push({ tubeCode, agencyId: agencies[0]!.id, outcome: "NEGATIVE", recordedAt: new Date(swabbedAt.getTime() + DAY / 2) });
  }
  const venues: DemoVenue[] = Array.from({ length: 12 }, (_, n) => {
    const d = DISTRICTS[n % DISTRICTS.length]!;
    const c = d.communities[n % d.communities.length]!;
    return { id: `venue-${n + 1}`, name: `${c}${["超市", "菜市场", "图书馆", "餐厅"][n % 4]}`, district: d.name, community: c, address: `${d.name}${c}${n + 1}号` };
  });
  const greens = people.filter((p) => !popped.has(p.personId));
  const registers: DemoRegister[] = venues.flatMap((v, n) =>
    [1, 2].slice(0, 1 + (n % 2)).map((k) => ({ id: `register-${n + 1}-${k}`, venueId: v.id, registrarId: greens[(n * 2 + k) % greens.length]!.personId, code: `QR-${v.id}-${k}`, label: `入口${k}` })),
  );
  const checkIns: DemoCheckIn[] = people.flatMap((p) =>
    Array.from({ length: rnd.int(0, 4) }, () => ({ registerId: rnd.pick(registers).id, personId: p.personId, checkedInAt: new Date(now - rnd.int(1, 7 * 24) * 3_600_000) })),
  );
  // The oldest residents are wards of younger ones; the last binding awaits face verification.
  const byAge = [...people].sort((a, b) => a.birthDate.localeCompare(b.birthDate));
  const bindings: DemoBinding[] = [0, 1, 2].flatMap((n) => {
    const ward = byAge[n];
    const guardian = byAge[byAge.length - 1 - n * 3];
    return ward && guardian && ward !== guardian ? [{ id: `binding-${n + 1}`, guardianId: guardian.personId, wardId: ward.personId, relation: "child", faceVerified: n < 2 }] : [];
  });
  return { residents: people, causes, agencies, sites, tubes, swabs, results, venues, registers, checkIns, bindings, staffId: people[people.length - 1]!.personId };
}
