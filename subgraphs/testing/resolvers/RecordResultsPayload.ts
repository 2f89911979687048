// The answer to a result upload: counts, and each item's own answer in upload order.
import type { RecordResultsAnswer } from "../results";

export const RecordResultsPayload = {
  items: (p: RecordResultsAnswer, args: { refusedOnly: boolean }) => (args.refusedOnly ? p.items.filter((i) => i.status !== "RECORDED" && i.status !== "UNCHANGED") : p.items),
};
