// A time budget for query planning. @apollo/gateway plans on the event loop, synchronously, so a
// plan that takes seconds stalls every other request and /health with it, and cannot be stopped
// once begun. The guard therefore plans each operation it has not seen first in a worker thread,
// with a deadline: an operation whose plan takes longer than the budget (or that the planner
// refuses as too large) is answered with OPERATION_LIMIT_EXCEEDED and the worker is replaced; the
// gateway itself plans only operations whose plan is known to fit in the budget. Operations seen
// before cost a map look-up (long documents a SHA-256 first).
import { createHash } from "node:crypto";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import type { ApolloServerPlugin, BaseContext, GraphQLResponse } from "@apollo/server";
import { HeaderMap } from "@apollo/server";
import { Gauge, type Registry } from "prom-client";
import { LIMIT_CODE } from "../limits/errors";

export interface PlanningBudget {
  /** Longest a plan may take in the worker (wall time); the gateway then spends about as long planning it itself. */
  budgetMs: number;
  /** Operations waiting for the worker before new ones are shed with 503. */
  maxWaiting: number;
  /** Distinct operations remembered as fitting the budget (least recently used forgotten first). */
  remember: number;
  /** How long an operation over the budget is refused without planning it again. */
  refuseForMs: number;
}

export const DEFAULT_PLANNING: PlanningBudget = { budgetMs: 500, maxWaiting: 64, remember: 5000, refuseForMs: 10_000 };

export type PlanningVerdict =
  | { admitted: true; planMs: number }
  | { admitted: false; reason: "BUDGET" | "PLANNER_LIMIT" | "OVERLOADED"; planMs?: number };

interface Job {
  id: number;
  key: string;
  query: string;
  operationName: string | null;
  done: (v: PlanningVerdict) => void;
}

/** Documents up to this length are remembered by their text; longer ones by a SHA-256 of it. */
const TEXT_KEY_MAX = 4096;

/**
 * The key an operation is remembered by. A known short document (every client's usual query) is
 * its own key: a Map look-up hashes the string once, far cheaper than a SHA-256 per request. The
 * remembered keys are bounded in number (`remember`), so text keys cost at most remember × 4 KB.
 */
export function planKey(query: string, operationName: string | null | undefined): string {
  if (query.length <= TEXT_KEY_MAX) return `${operationName ?? ""}\0${query}`;
  return `#${createHash("sha256").update(query).update("\0").update(operationName ?? "").digest("base64")}`;
}

/** Plans unseen operations in a worker thread under a deadline; remembers what fits. */
export class PlanningGuard {
  private worker?: Worker;
  private workerReady?: Promise<Worker>;
  private readonly admitted = new Map<string, number>();
  private readonly refused = new Map<string, { until: number; reason: "BUDGET" | "PLANNER_LIMIT" }>();
  private readonly pending = new Map<string, Promise<PlanningVerdict>>();
  private readonly queue: Job[] = [];
  private current?: { job: Job; timer: NodeJS.Timeout };
  private nextId = 1;
  private closed = false;
  /** Plans measured in the worker, refusals and worker replacements, for /metrics and tests. */
  readonly stats = { planned: 0, refusedBudget: 0, refusedPlanner: 0, shed: 0, workerRestarts: 0 };

  constructor(private readonly supergraphSdl: string, readonly budget: PlanningBudget = DEFAULT_PLANNING) {}

  /** Starts the worker ahead of the first request (its start-up is not counted against any plan). */
  async warm(): Promise<void> {
    await this.ensureWorker();
  }

  /** Whether the gateway may plan this operation itself. */
  check(query: string, operationName: string | null | undefined): Promise<PlanningVerdict> {
    const key = planKey(query, operationName);
    const planMs = this.admitted.get(key);
    if (planMs !== undefined) {
      // Refresh its place in the LRU order.
      this.admitted.delete(key);
      this.admitted.set(key, planMs);
      return Promise.resolve({ admitted: true, planMs });
    }
    const refusal = this.refused.get(key);
    if (refusal && refusal.until > Date.now()) return Promise.resolve({ admitted: false, reason: refusal.reason });
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    if (this.queue.length >= this.budget.maxWaiting) {
      this.stats.shed += 1;
      return Promise.resolve({ admitted: false, reason: "OVERLOADED" });
    }
    const verdict = new Promise<PlanningVerdict>((done) => {
      this.queue.push({ id: this.nextId++, key, query, operationName: operationName ?? null, done });
    });
    this.pending.set(key, verdict);
    void verdict.then(() => this.pending.delete(key));
    this.dispatch();
    return verdict;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.done({ admitted: false, reason: "OVERLOADED" });
    if (this.current) {
      clearTimeout(this.current.timer);
      this.current.job.done({ admitted: false, reason: "OVERLOADED" });
      this.current = undefined;
    }
    const w = this.worker;
    this.worker = undefined;
    this.workerReady = undefined;
    await w?.terminate();
  }

  private ensureWorker(): Promise<Worker> {
    if (this.workerReady) return this.workerReady;
    const worker = new Worker(join(__dirname, "worker.cjs"), {
      workerData: { supergraphSdl: this.supergraphSdl },
      // A plan that explodes in memory ends the worker, not the gateway.
      resourceLimits: { maxOldGenerationSizeMb: 512 },
    });
    worker.unref();
    this.worker = worker;
    this.workerReady = new Promise<Worker>((resolve, reject) => {
      const onReady = (msg: { ready?: boolean }) => {
        if (!msg.ready) return;
        worker.off("message", onReady);
        resolve(worker);
      };
      worker.on("message", onReady);
      worker.once("error", reject);
    });
    worker.on("message", (msg: { id?: number; ms?: number; error?: string; limit?: boolean }) => {
      if (msg.id === undefined || this.current?.job.id !== msg.id) return;
      const { job, timer } = this.current;
      clearTimeout(timer);
      this.current = undefined;
      const ms = msg.ms ?? 0;
      if (msg.error && msg.limit) this.refuse(job, "PLANNER_LIMIT", ms);
      else if (ms > this.budget.budgetMs) this.refuse(job, "BUDGET", ms);
      else {
        // A plan that fails for another reason is admitted: the gateway answers it with its own error.
        this.stats.planned += 1;
        this.remember(job.key, ms);
        job.done({ admitted: true, planMs: ms });
      }
      this.dispatch();
    });
    // A worker that dies (out of memory on a huge plan, or a crash) takes the operation it was
    // planning with it: that operation is refused, the next one gets a new worker.
    worker.on("error", () => this.replaceWorker(worker, "PLANNER_LIMIT"));
    worker.on("exit", () => this.replaceWorker(worker, "PLANNER_LIMIT"));
    return this.workerReady;
  }

  private replaceWorker(worker: Worker, reason: "BUDGET" | "PLANNER_LIMIT"): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.workerReady = undefined;
    if (this.closed) return;
    this.stats.workerRestarts += 1;
    void worker.terminate();
    if (this.current) {
      clearTimeout(this.current.timer);
      const { job } = this.current;
      this.current = undefined;
      this.refuse(job, reason);
    }
    // Start the next worker now, so the next new operation does not wait for its start-up.
    void this.ensureWorker().catch(() => undefined);
    this.dispatch();
  }

  private dispatch(): void {
    if (this.closed || this.current || this.queue.length === 0) return;
    const job = this.queue.shift()!;
    // The budget starts once a worker is ready: a new worker's start-up is not the plan's fault.
    this.current = { job, timer: undefined as unknown as NodeJS.Timeout };
    this.ensureWorker().then(
      (worker) => {
        if (this.current?.job !== job) return;
        this.current.timer = setTimeout(() => this.replaceWorker(worker, "BUDGET"), this.budget.budgetMs);
        worker.postMessage({ id: job.id, query: job.query, operationName: job.operationName });
      },
      () => {
        // The worker could not start: admit rather than refuse every operation; the limits still hold.
        if (this.current?.job !== job) return;
        this.current = undefined;
        this.workerReady = undefined;
        this.worker = undefined;
        job.done({ admitted: true, planMs: 0 });
        this.dispatch();
      },
    );
  }

  private refuse(job: Job, reason: "BUDGET" | "PLANNER_LIMIT", planMs?: number): void {
    if (reason === "BUDGET") this.stats.refusedBudget += 1;
    else this.stats.refusedPlanner += 1;
    this.refused.set(job.key, { until: Date.now() + this.budget.refuseForMs, reason });
    if (this.refused.size > this.budget.remember) this.refused.delete(this.refused.keys().next().value!);
    job.done({ admitted: false, reason, planMs });
  }

  private remember(key: string, ms: number): void {
    this.admitted.set(key, ms);
    if (this.admitted.size > this.budget.remember) this.admitted.delete(this.admitted.keys().next().value!);
  }
}

function refusal(status: number, code: string, message: string, extensions: Record<string, unknown>, headers?: Record<string, string>): GraphQLResponse {
  const http = { status, headers: new HeaderMap(Object.entries(headers ?? {})) };
  return { http, body: { kind: "single", singleResult: { errors: [{ message, extensions: { code, ...extensions } }] } } };
}

/**
 * The plugin. It answers in `responseForOperation`, which Apollo Server calls only after every
 * `didResolveOperation` hook (the operation limits) has passed, so a refused operation is never
 * planned, not even in the worker.
 */
export function planningBudgetPlugin<C extends BaseContext>(guard: PlanningGuard): ApolloServerPlugin<C> {
  return {
    async serverWillStart() {
      await guard.warm().catch(() => undefined);
      return {
        async serverWillStop() {
          await guard.close();
        },
      };
    },
    async requestDidStart() {
      return {
        async responseForOperation({ source, request }) {
          const verdict = await guard.check(source, request.operationName);
          if (verdict.admitted) return null;
          if (verdict.reason === "OVERLOADED") {
            return refusal(503, "SERVICE_UNAVAILABLE", "The gateway is busy planning other new operations. Retry in a few seconds.", { reason: "OVERLOADED" }, { "retry-after": "2" });
          }
          const max = guard.budget.budgetMs;
          const message =
            verdict.reason === "BUDGET"
              ? `Planning this operation takes longer than the gateway's ${max} ms budget. Simplify the operation or split it into several.`
              : "This operation is too large for the query planner. Simplify the operation or split it into several.";
          return refusal(400, LIMIT_CODE, message, { limit: verdict.reason === "BUDGET" ? "planningTime" : "planner", max: verdict.reason === "BUDGET" ? max : null });
        },
      };
    },
  };
}

/** The guard's counts on the gateway's /metrics: plans measured, refusals by reason, worker replacements. */
export function planningMetrics(guard: PlanningGuard, registry: Registry): void {
  new Gauge({
    name: "gateway_planning_operations",
    help: "New operations the planning guard measured in its worker, by outcome (admitted, over_budget, planner_limit, shed), and worker replacements.",
    labelNames: ["outcome"],
    registers: [registry],
    collect() {
      this.set({ outcome: "admitted" }, guard.stats.planned);
      this.set({ outcome: "over_budget" }, guard.stats.refusedBudget);
      this.set({ outcome: "planner_limit" }, guard.stats.refusedPlanner);
      this.set({ outcome: "shed" }, guard.stats.shed);
      this.set({ outcome: "worker_restarts" }, guard.stats.workerRestarts);
    },
  });
}
