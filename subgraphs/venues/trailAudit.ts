// Reads of another person's movements (their check-ins: where and when) are audited in venues'
// disclosure log like reads of personal fields (kernel/privacy/readAudit.ts).
export { recordRead as recordTrailRead } from "../../kernel/privacy/readAudit";
