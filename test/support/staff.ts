// Staff bindings are enforced by default (subgraphs/testing/access.ts): a sampler's or lab's
// token reaches nothing without a live staff_binding row for that person and place. Tests whose
// staff are arbitrary demo residents bind them here, as the agency's own system would.
import type { TestGraph } from "./graph";

/** Binds each person as a sampler at every site and as lab staff of every agency (live rows only once). */
export async function bindStaffEverywhere(graph: Pick<TestGraph, "databases" | "city">, personIds: string[]): Promise<void> {
  const sites = graph.city.sites.map((s) => s.id);
  const agencies = graph.city.agencies.map((a) => a.id);
  await graph.databases.testing.sql.query(
    `INSERT INTO staff_binding (id, person_id, role, site_id, agency_id)
     SELECT gen_random_uuid(), p, x.role, x.site_id, x.agency_id
       FROM unnest($1::text[]) AS p
       CROSS JOIN (SELECT 'SAMPLER' AS role, s AS site_id, NULL::text AS agency_id FROM unnest($2::text[]) s
                   UNION ALL SELECT 'LAB', NULL::text, a FROM unnest($3::text[]) a) x
      WHERE NOT EXISTS (SELECT 1 FROM staff_binding b WHERE b.person_id = p AND b.role = x.role AND b.revoked_at IS NULL
                          AND b.site_id IS NOT DISTINCT FROM x.site_id AND b.agency_id IS NOT DISTINCT FROM x.agency_id)`,
    [personIds, sites, agencies],
  );
}
