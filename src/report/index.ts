export { claimList, claimsSummary, claimsToHTML, claimsToText, countClaims, failedClaims, isSanity } from "./claims.js";
export type { ClaimList } from "./claims.js";
export { makeRecord, recordBundle, recordHeadline, recordJSON, recordToHTML, recordToText } from "./record.js";
export type { RunRecord, RunRecordData } from "./record.js";
export { reportHTML } from "./page.js";
