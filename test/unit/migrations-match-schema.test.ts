// Each silo's checked-in migrations must build exactly the database its Prisma schema describes:
// the runner applies them to a fresh PGlite, and the catalogue (information_schema, pg_index,
// pg_constraint, pg_enum) is compared with the schema's data model from Prisma's own parser.
// A migration that lacks a table, column, index, key or enum value the schema has fails here.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { getDMMF } from "@prisma/internals";
import { applyMigrations, readMigrations, type MigrationTarget } from "../../kernel/db/migrate";
import { SILOS } from "../../kernel/config/silos";

/** Tables outside the silos' own models: only the migration runner's history (the event tables are models now). */
const KERNEL_TABLES = new Set(["_prisma_migrations"]);

type Dmmf = Awaited<ReturnType<typeof getDMMF>>;
type Model = Dmmf["datamodel"]["models"][number];
type Field = Model["fields"][number];

interface ColumnRow {
  table_name: string;
  column_name: string;
  data_type: string;
  udt_name: string;
  is_nullable: "YES" | "NO";
  datetime_precision: number | null;
  character_maximum_length: number | null;
}
interface IndexRow {
  table_name: string;
  index_name: string;
  is_unique: boolean;
  is_primary: boolean;
  columns: string[];
}
interface ForeignKeyRow {
  table_name: string;
  name: string;
  columns: string[];
  ref_table: string;
  ref_columns: string[];
}

function pgliteTarget(db: PGlite): MigrationTarget {
  return {
    query: async (text, params) => (await db.query<never>(text, params as unknown[])).rows,
    exec: async (script) => void (await db.exec(script)),
    withLock: (fn) => fn(),
  };
}

/** The column type PostgreSQL reports for a Prisma field: [data_type, udt_name, precision/length]. */
function expectedType(field: Field, enumDbName: (name: string) => string): { dataType: string; udt: string; size?: number } | string {
  if (field.kind === "enum") {
    const udt = enumDbName(field.type);
    return field.isList ? { dataType: "ARRAY", udt: `_${udt}` } : { dataType: "USER-DEFINED", udt };
  }
  const native = field.nativeType as [string, string[]] | null | undefined;
  let base: { dataType: string; udt: string; size?: number };
  if (native) {
    const [name, args] = native;
    const size = args[0] !== undefined ? Number(args[0]) : undefined;
    switch (name) {
      case "Date": base = { dataType: "date", udt: "date" }; break;
      case "Text": base = { dataType: "text", udt: "text" }; break;
      case "Uuid": base = { dataType: "uuid", udt: "uuid" }; break;
      case "VarChar": base = { dataType: "character varying", udt: "varchar", size }; break;
      case "Timestamp": base = { dataType: "timestamp without time zone", udt: "timestamp", size: size ?? 6 }; break;
      case "Timestamptz": base = { dataType: "timestamp with time zone", udt: "timestamptz", size: size ?? 6 }; break;
      case "SmallInt": base = { dataType: "smallint", udt: "int2" }; break;
      case "Integer": base = { dataType: "integer", udt: "int4" }; break;
      case "BigInt": base = { dataType: "bigint", udt: "int8" }; break;
      case "JsonB": base = { dataType: "jsonb", udt: "jsonb" }; break;
      case "Json": base = { dataType: "json", udt: "json" }; break;
      default: return `native type @db.${name} is not known to this test: teach expectedType() about it`;
    }
  } else {
    switch (field.type) {
      case "String": base = { dataType: "text", udt: "text" }; break;
      case "Int": base = { dataType: "integer", udt: "int4" }; break;
      case "BigInt": base = { dataType: "bigint", udt: "int8" }; break;
      case "Boolean": base = { dataType: "boolean", udt: "bool" }; break;
      case "DateTime": base = { dataType: "timestamp without time zone", udt: "timestamp", size: 3 }; break;
      case "Json": base = { dataType: "jsonb", udt: "jsonb" }; break;
      case "Float": base = { dataType: "double precision", udt: "float8" }; break;
      case "Decimal": base = { dataType: "numeric", udt: "numeric" }; break;
      case "Bytes": base = { dataType: "bytea", udt: "bytea" }; break;
      default: return `scalar type ${field.type} is not known to this test: teach expectedType() about it`;
    }
  }
  return field.isList ? { dataType: "ARRAY", udt: `_${base.udt}` } : base;
}

function describeColumn(c: ColumnRow): string {
  const size = c.datetime_precision ?? c.character_maximum_length;
  return `${c.data_type}/${c.udt_name}${size !== null && c.data_type !== "date" ? `(${size})` : ""}`;
}

/** Every difference between what the migrations built and what the schema describes. */
async function mismatches(db: PGlite, dmmf: Dmmf): Promise<string[]> {
  const problems: string[] = [];
  const { models, enums, indexes } = dmmf.datamodel;
  const tableOf = new Map(models.map((m) => [m.name, m.dbName ?? m.name]));
  const enumDbName = (name: string) => enums.find((e) => e.name === name)?.dbName ?? name;
  const columnOf = (model: Model, fieldName: string) => {
    const f = model.fields.find((x) => x.name === fieldName);
    return f ? (f.dbName ?? f.name) : `<unknown field ${fieldName}>`;
  };

  // Tables.
  const tables = (
    await db.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`,
    )
  ).rows.map((r) => r.table_name);
  const modelTables = new Set(tableOf.values());
  for (const t of modelTables) if (!tables.includes(t)) problems.push(`table ${t}: missing`);
  for (const t of tables) if (!modelTables.has(t) && !KERNEL_TABLES.has(t)) problems.push(`table ${t}: not in the schema`);

  // Columns: type, nullability, nothing extra.
  const columns = (
    await db.query<ColumnRow>(
      `SELECT table_name, column_name, data_type, udt_name, is_nullable, datetime_precision, character_maximum_length
         FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position`,
    )
  ).rows;
  for (const model of models) {
    const table = tableOf.get(model.name)!;
    const actual = new Map(columns.filter((c) => c.table_name === table).map((c) => [c.column_name, c]));
    const expectedNames = new Set<string>();
    for (const field of model.fields) {
      if (field.kind === "object") continue;
      const name = field.dbName ?? field.name;
      expectedNames.add(name);
      const col = actual.get(name);
      if (!col) {
        if (tables.includes(table)) problems.push(`column ${table}.${name} (${model.name}.${field.name}): missing`);
        continue;
      }
      const want = expectedType(field, enumDbName);
      if (typeof want === "string") {
        problems.push(`column ${table}.${name}: ${want}`);
      } else {
        const size = col.datetime_precision ?? col.character_maximum_length ?? undefined;
        const sizeOk = want.size === undefined || size === want.size;
        if (col.data_type !== want.dataType || col.udt_name !== want.udt || !sizeOk) {
          problems.push(`column ${table}.${name}: type ${describeColumn(col)}, schema wants ${want.dataType}/${want.udt}${want.size !== undefined ? `(${want.size})` : ""}`);
        }
      }
      const nullable = col.is_nullable === "YES";
      // Prisma Migrate creates a scalar list (`String[]`, always required in the DMMF) as a
      // nullable array column (`TEXT[]`), so a list's column must allow NULL.
      const wantNullable = field.isList ? true : !field.isRequired;
      if (nullable !== wantNullable) {
        problems.push(`column ${table}.${name}: ${nullable ? "NULL allowed" : "NOT NULL"}, schema field is ${field.isRequired ? "required" : "optional"}`);
      }
    }
    for (const name of actual.keys()) if (!expectedNames.has(name)) problems.push(`column ${table}.${name}: not in the schema`);
  }

  // Enums: same values in the same order; no enum type the schema does not have.
  const enumRows = (
    await db.query<{ typname: string; label: string }>(
      `SELECT t.typname, e.enumlabel AS label FROM pg_type t
         JOIN pg_enum e ON e.enumtypid = t.oid
         JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = current_schema() ORDER BY t.typname, e.enumsortorder`,
    )
  ).rows;
  const actualEnums = new Map<string, string[]>();
  for (const r of enumRows) actualEnums.set(r.typname, [...(actualEnums.get(r.typname) ?? []), r.label]);
  for (const e of enums) {
    const name = e.dbName ?? e.name;
    const want = e.values.map((v) => v.dbName ?? v.name);
    const got = actualEnums.get(name);
    if (!got) problems.push(`enum ${name}: missing`);
    else if (JSON.stringify(got) !== JSON.stringify(want)) problems.push(`enum ${name}: values [${got.join(", ")}], schema wants [${want.join(", ")}]`);
  }
  for (const name of actualEnums.keys()) {
    if (!enums.some((e) => (e.dbName ?? e.name) === name)) problems.push(`enum ${name}: not in the schema`);
  }

  // Indexes: primary keys, unique and plain indexes, each on the right columns in order.
  const indexRows = (
    await db.query<IndexRow>(
      `SELECT t.relname AS table_name, i.relname AS index_name, ix.indisunique AS is_unique, ix.indisprimary AS is_primary,
              ARRAY(SELECT a.attname::text FROM unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord) AS columns
         FROM pg_index ix
         JOIN pg_class i ON i.oid = ix.indexrelid
         JOIN pg_class t ON t.oid = ix.indrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE n.nspname = current_schema()`,
    )
  ).rows;
  const kindOf = (r: IndexRow) => (r.is_primary ? "id" : r.is_unique ? "unique" : "normal");
  const matched = new Set<string>();
  for (const index of indexes) {
    const model = models.find((m) => m.name === index.model);
    if (!model) continue;
    const table = tableOf.get(model.name)!;
    const cols = index.fields.map((f) => columnOf(model, f.name));
    const found = indexRows.find((r) => r.table_name === table && kindOf(r) === index.type && JSON.stringify(r.columns) === JSON.stringify(cols));
    if (found) matched.add(`${table}.${found.index_name}`);
    else problems.push(`${index.type === "id" ? "primary key" : `${index.type} index`} on ${table}(${cols.join(", ")}): missing`);
  }
  for (const r of indexRows) {
    if (!modelTables.has(r.table_name) || matched.has(`${r.table_name}.${r.index_name}`)) continue;
    problems.push(`${kindOf(r) === "id" ? "primary key" : `${kindOf(r)} index`} ${r.index_name} on ${r.table_name}(${r.columns.join(", ")}): not in the schema`);
  }

  // Foreign keys of relation fields that hold the reference.
  const fkRows = (
    await db.query<ForeignKeyRow>(
      `SELECT t.relname AS table_name, c.conname AS name, r.relname AS ref_table,
              ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
              ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                      JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
         FROM pg_constraint c
         JOIN pg_class t ON t.oid = c.conrelid
         JOIN pg_class r ON r.oid = c.confrelid
         JOIN pg_namespace n ON n.oid = t.relnamespace
        WHERE c.contype = 'f' AND n.nspname = current_schema()`,
    )
  ).rows;
  const matchedFks = new Set<string>();
  for (const model of models) {
    const table = tableOf.get(model.name)!;
    for (const field of model.fields) {
      if (field.kind !== "object" || !field.relationFromFields?.length) continue;
      const target = models.find((m) => m.name === field.type)!;
      const refTable = tableOf.get(target.name)!;
      const cols = field.relationFromFields.map((f) => columnOf(model, f));
      const refCols = (field.relationToFields ?? []).map((f) => columnOf(target, f));
      const found = fkRows.find(
        (r) => r.table_name === table && r.ref_table === refTable && JSON.stringify(r.columns) === JSON.stringify(cols) && JSON.stringify(r.ref_columns) === JSON.stringify(refCols),
      );
      if (found) matchedFks.add(`${table}.${found.name}`);
      else problems.push(`foreign key ${table}(${cols.join(", ")}) → ${refTable}(${refCols.join(", ")}) for ${model.name}.${field.name}: missing`);
    }
  }
  for (const r of fkRows) {
    if (!modelTables.has(r.table_name) || matchedFks.has(`${r.table_name}.${r.name}`)) continue;
    problems.push(`foreign key ${r.name} on ${r.table_name}(${r.columns.join(", ")}) → ${r.ref_table}: not in the schema`);
  }
  return problems;
}

describe.each(SILOS)("%s: migrations build the database its Prisma schema describes", (silo) => {
  const prismaDir = join(__dirname, "..", "..", "subgraphs", silo, "prisma");
  let db: PGlite;
  let dmmf: Dmmf;

  beforeAll(async () => {
    dmmf = await getDMMF({ datamodel: readFileSync(join(prismaDir, "schema.prisma"), "utf8") });
    db = new PGlite();
    const migrations = readMigrations(join(prismaDir, "migrations"));
    expect(migrations.length).toBeGreaterThan(0);
    await applyMigrations(pgliteTarget(db), migrations);
  });
  afterAll(async () => {
    await db?.close();
  });

  test("the schema has models (the comparison is not vacuous)", () => {
    expect(dmmf.datamodel.models.length).toBeGreaterThan(0);
    expect(dmmf.datamodel.indexes.some((i) => i.type === "id")).toBe(true);
  });

  test("tables, columns, enums, keys, indexes and foreign keys all match", async () => {
    expect(await mismatches(db, dmmf)).toEqual([]);
  });
});
