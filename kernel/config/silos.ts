// The four silos: their names (as in the supergraph), default ports and settings' names.

export const SILOS = ["health-code", "testing", "venues", "appeals"] as const;
export type Silo = (typeof SILOS)[number];

export const DEFAULT_PORTS: Record<Silo | "gateway", number> = {
  gateway: 4000,
  "health-code": 4001,
  testing: 4002,
  venues: 4003,
  appeals: 4004,
};

/** The prefix of a silo's settings: health-code → HEALTH_CODE. */
export function envPrefix(silo: Silo): string {
  return silo.toUpperCase().replace(/-/g, "_");
}

/** The supergraph's subgraph name for a silo (composition wants identifiers: health-code → health_code). */
export function graphName(silo: Silo): string {
  return silo.replace(/-/g, "_");
}
