// Watches the subgraphs' short path for known queries (kernel/runtime/knownQueries.ts): every
// answer() call still runs, and whether it answered (true) or left the request to Apollo (false)
// is pushed onto `answered`. Undo with jest.restoreAllMocks().
import { KnownQueries } from "../../kernel/runtime/knownQueries";

export function watchShortPath(answered: boolean[]): void {
  const answer = KnownQueries.prototype.answer;
  jest.spyOn(KnownQueries.prototype, "answer").mockImplementation(async function (this: KnownQueries, ...args) {
    const done = await answer.apply(this, args);
    answered.push(done);
    return done;
  });
}
