// The four silos as code: each one's factory, folder (for its migrations) and consumer groups,
// for launchers that host several silos in one process (embedded `npm start`, the test graph).
import { join } from "node:path";
import type { Silo } from "../kernel/config/silos";
import type { SiloFactory } from "../kernel/runtime/silo";
import type { ConsumerGroupSpec } from "../kernel/runtime/siloEvents";
import { createHealthCode } from "./health-code/server";
import { createTesting } from "./testing/server";
import { createVenues } from "./venues/server";
import { createAppeals } from "./appeals/server";
import { CONSUMER_GROUPS as healthCodeGroups } from "./health-code/events/consumers";
import { CONSUMER_GROUPS as testingGroups } from "./testing/events/consumers";
import { CONSUMER_GROUPS as venuesGroups } from "./venues/events/consumers";
import { CONSUMER_GROUPS as appealsGroups } from "./appeals/events/consumers";

export interface SiloModule {
  factory: SiloFactory<any>;
  dir: string;
  consumers: ConsumerGroupSpec[];
}

export const SILO_MODULES: Record<Silo, SiloModule> = {
  "health-code": { factory: createHealthCode, dir: join(__dirname, "health-code"), consumers: healthCodeGroups },
  testing: { factory: createTesting, dir: join(__dirname, "testing"), consumers: testingGroups },
  venues: { factory: createVenues, dir: join(__dirname, "venues"), consumers: venuesGroups },
  appeals: { factory: createAppeals, dir: join(__dirname, "appeals"), consumers: appealsGroups },
};

/** Every silo's consumer groups, to declare on a shared bus before any silo publishes. */
export const ALL_CONSUMER_GROUPS: ConsumerGroupSpec[] = Object.values(SILO_MODULES).flatMap((m) => m.consumers);
