// Structured JSON logs (pino). Log lines carry ids, codes, timings and operation names, never
// personal data: the fields that could hold it are redacted by path, and free text (error
// messages) is scrubbed of anything shaped like an ID number, a phone number or a Chinese name
// before it is logged. Tests are silent unless they ask for logs (LOG_LEVEL or configureLogging).
import pino, { type DestinationStream, type Logger } from "pino";

export type { Logger };

/** Keys that may hold personal data anywhere in a logged object. */
const PERSONAL_KEYS = ["name", "documentNumber", "idNumber", "phone", "birthDate", "address", "addressDetail", "variables", "query", "authorization", "x-viewer", "cookie"];
const REDACT = [...PERSONAL_KEYS, ...PERSONAL_KEYS.map((k) => `*.${k}`), ...PERSONAL_KEYS.map((k) => `*.*.${k}`), 'req.headers["x-viewer"]'];

export interface LoggingOptions {
  level?: string;
  destination?: DestinationStream;
}

function build(options: LoggingOptions = {}, redact = true): Logger {
  const level = options.level ?? process.env.LOG_LEVEL ?? (process.env.JEST_WORKER_ID ? "silent" : "info");
  return pino({ level, base: { pid: process.pid }, ...(redact ? { redact: { paths: REDACT, censor: "[redacted]" } } : {}), timestamp: pino.stdTimeFunctions.isoTime }, options.destination);
}

let root: Logger = build();
// The access log's own root: same level and destination, no redaction pass. Its lines are built
// by kernel/http/serve.ts from fixed fields only (request id, method, route label, status, time,
// size), none of which can hold personal data, so the per-line redaction walk is skipped.
// Outside tests its lines are buffered (written in blocks of 4 KB, and flushed when the process
// exits), so a request's line costs no write of its own.
let accessRoot: Logger = build(process.env.JEST_WORKER_ID ? {} : { destination: pino.destination({ dest: 1, sync: false, minLength: 4096 }) }, false);

/** Replaces the process's root logger (tests capture logs this way); loggers made later use it. */
export function configureLogging(options: LoggingOptions): void {
  root = build(options);
  accessRoot = build(options, false);
}

/** The access-log logger of one service: only for lines of fixed, non-personal fields. */
export function accessLogger(service: string): Logger {
  return accessRoot.child({ service });
}

/** The logger of one service in this process (gateway, health-code, …). */
export function serviceLogger(service: string): Logger {
  return root.child({ service });
}

const ID_NUMBER = /\d{6}(?:18|19|20)\d{2}[01]\d[0-3]\d\d{3}[\dXx]/g;
const LONG_DIGITS = /\d{7,}/g;
const CJK = /[\u3400-\u9fff\uf900-\ufaff]+/g;

/** Free text fit for a log line: ID numbers, long digit runs (phones) and Chinese text removed. */
export function scrub(text: string): string {
  return text.replace(ID_NUMBER, "[id]").replace(LONG_DIGITS, "[digits]").replace(CJK, "[text]").slice(0, 500);
}
