// Prints a development bearer token for a role, signed with the embedded mode's key (or
// AUTH_TOKEN_SECRET), so a newcomer and the tests can act as any role:
//   npm run -s token -- RESIDENT --id-number 110101199003074514
//   npm run -s token -- SAMPLER --site site-110101-1
//   npm run -s token -- EPIDEMIOLOGIST --purpose CASE-2022-0126
import { signToken } from "../kernel/auth/tokens";
import { isRole, ROLES, type Viewer } from "../kernel/auth/viewer";
import { dataDirFromEnv, loadSecrets } from "../kernel/config/secrets";
import { buildCity } from "../kernel/demo/city";
import { personIdFor, requireDocument, type DocumentType } from "../kernel/identity";

const USAGE = `usage: npm run -s token -- <ROLE> [options]
roles: ${ROLES.join(", ")}
options:
  --person <id>            the person (pseudonymous id) the token belongs to
  --id-number <number>     the person, by citizen ID number (or --document-type T --document <n>)
  --community <name>       community of a COMMUNITY_OFFICER
  --venue <id[,id]>        venues of a REGISTRAR
  --site <id>              sampling site of a SAMPLER
  --agency <id>            testing agency of a LAB
  --purpose <case>         an open case's reference (CASE-2022-0126): an EPIDEMIOLOGIST's full view, audited
  --scopes <a[,b]>         scopes of an APP
  --ttl <seconds>          lifetime (default 3600)`;

function parse(argv: string[]): Record<string, string> {
  const opts: Record<string, string> = {};
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i]!;
    const value = argv[i + 1];
    if (!key.startsWith("--") || value === undefined) throw new Error(`expected --option value, got "${key}"`);
    opts[key.slice(2)] = value;
  }
  return opts;
}

async function main() {
  const [role, ...rest] = process.argv.slice(2);
  if (!isRole(role)) {
    console.error(USAGE);
    process.exit(2);
  }
  const opts = parse(rest);
  const secrets = loadSecrets(process.env, dataDirFromEnv(process.env));
  const city = buildCity(secrets.pepper, Number(process.env.DEMO_RESIDENTS ?? 300));
  const viewer: Viewer = { role };
  const number = opts["id-number"] ?? opts.document;
  if (number) viewer.subject = personIdFor(requireDocument((opts["document-type"] ?? "CITIZEN_ID") as DocumentType, number), secrets.pepper);
  else if (opts.person) viewer.subject = opts.person;
  else if (role !== "APP") {
    // Demo defaults: a resident acts as the person behind the token. Staff roles default to the
    // last demo resident, so the residents `npm start` prints (the first ones) are other people to
    // them and show as their policy says, not as the viewer's own data.
    const defaults: Partial<Record<string, string>> = {
      RESIDENT: city.residents[0]!.personId,
      REGISTRAR: city.registers[0]!.registrarId,
      GUARDIAN: city.bindings.find((b) => b.faceVerified)?.guardianId,
    };
    viewer.subject = defaults[role] ?? city.staffId;
  }
  if (role === "COMMUNITY_OFFICER") viewer.community = opts.community ?? city.residents[0]!.community;
  if (role === "REGISTRAR") viewer.venueIds = (opts.venue ?? city.registers[0]!.venueId).split(",");
  if (role === "SAMPLER") viewer.siteId = opts.site ?? city.sites[0]!.id;
  if (role === "LAB") viewer.agencyId = opts.agency ?? city.sites[0]!.agencyId;
  if (opts.purpose) viewer.purpose = opts.purpose;
  if (opts.scopes) viewer.scopes = opts.scopes.split(",");
  console.log(await signToken(viewer, secrets.tokenSecret, Number(opts.ttl ?? 3600)));
}

main().catch((err) => {
  console.error(`token: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(2);
});
