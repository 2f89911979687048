// The event kernel: transactional outbox, relay, buses (Redis Streams / in-process), idempotent
// consumers with dead letters, and operator stats. Design: docs/events.md.
export type { NewEvent, OutboxEvent, EventEnvelope, EventHandler, Logger } from "./types";
export { EVENTS_DDL, eventsDdlStatements, installEventTables } from "./ddl";
export { appendEvents } from "./outbox";
export { startRelay, relayNotifier, type Relay, type RelayOptions, type RelayNotifier } from "./relay";
export type { EventBus, GroupReader, Delivery, PublishAck, RepairRequest, StreamStats, GroupStats, DeadLetterStats } from "./bus";
export { expandBatch, type PayloadExpander, type PayloadExpanders } from "./expand";
export { pruneOutbox } from "./repair";
export { checkGaps, type GapCheck, type Hole } from "./positions";
export { InProcessBus, type InProcessBusOptions } from "./inProcessBus";
export { RedisStreamsBus, type RedisStreamsBusOptions } from "./redisStreamsBus";
export { streamKey, deadLetterKey } from "./redisCodec";
export { startConsumer, type Consumer, type ConsumerOptions, type ConsumerCounters } from "./consumer";
export { eventStats, outboxStats, type EventStats, type EventStatsOptions, type OutboxStats } from "./stats";
export { registerEventMetrics, renderEventMetrics } from "./metrics";
export { outboxWakeUp, FALLBACK_POLL_MS, type ListenFn } from "./relayWake";
