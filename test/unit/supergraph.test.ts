// The checked-in supergraph (what the gateway runs on) is exactly what the four subgraphs compose
// to, keeps the @pii marks the disclosure rules depend on, and gives every entity a key.
import { readFileSync } from "node:fs";
import { Kind, parse, print, type ConstDirectiveNode, type DocumentNode, type ObjectTypeDefinitionNode } from "graphql";
import { composeSupergraph, SUPERGRAPH_PATH } from "../../schema/compose";

const ENTITIES = ["Person", "Agency", "SamplingSite", "TransportBox", "SampleTube", "Swab", "TestResult", "Venue", "Register", "CheckIn", "Appeal"];

const PII: Array<[type: string, field: string, kind: string]> = [
  ["Person", "name", "NAME"],
  ["Person", "documentNumber", "ID_NUMBER"],
  ["Person", "phone", "PHONE"],
  ["Person", "birthDate", "BIRTH_DATE"],
  ["Person", "address", "ADDRESS"],
  ["Swab", "documentMasked", "ID_NUMBER"],
  ["Swab", "phone", "PHONE"],
];

function objectType(doc: DocumentNode, name: string): ObjectTypeDefinitionNode | undefined {
  return doc.definitions.find((d): d is ObjectTypeDefinitionNode => d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === name);
}

function argument(directive: ConstDirectiveNode, name: string): string | undefined {
  const arg = directive.arguments?.find((a) => a.name.value === name);
  return arg ? print(arg.value) : undefined;
}

describe("supergraph", () => {
  const checkedIn = readFileSync(SUPERGRAPH_PATH, "utf8");
  const doc = parse(checkedIn);

  test("composes, and the checked-in schema/supergraph.graphql is byte for byte what it composes to", () => {
    const composed = composeSupergraph();
    if (composed !== checkedIn) {
      const a = composed.split("\n");
      const b = checkedIn.split("\n");
      const line = a.findIndex((l, i) => l !== b[i]);
      const at = line === -1 ? b.length : line;
      throw new Error(
        `schema/supergraph.graphql is stale: run \`npm run compose\` and commit it.\n` +
          `first difference at line ${at + 1}:\n  composed:   ${JSON.stringify(a[at])}\n  checked in: ${JSON.stringify(b[at])}`,
      );
    }
    expect(composed).toBe(checkedIn);
  });

  test.each(PII)("%s.%s keeps @pii(kind: %s)", (typeName, fieldName, kind) => {
    const type = objectType(doc, typeName);
    expect(type).toBeDefined();
    const field = type!.fields?.find((f) => f.name.value === fieldName);
    expect(field).toBeDefined();
    const pii = field!.directives?.filter((d) => d.name.value === "pii") ?? [];
    expect(pii).toHaveLength(1);
    expect(argument(pii[0]!, "kind")).toBe(kind);
  });

  test("the @pii directive is linked into the supergraph", () => {
    expect(checkedIn).toMatch(/@link\(url: "[^"]+", import: \["@pii"\]\)/);
    expect(doc.definitions.some((d) => d.kind === Kind.DIRECTIVE_DEFINITION && d.name.value === "pii")).toBe(true);
  });

  test.each(ENTITIES)("entity %s has a key in the supergraph", (typeName) => {
    const type = objectType(doc, typeName);
    expect(type).toBeDefined();
    const keys = (type!.directives ?? []).filter((d) => d.name.value === "join__type").map((d) => argument(d, "key")).filter((k) => k !== undefined);
    expect(keys.length).toBeGreaterThan(0);
  });
});
