/**
 * wakesim/report — renderings of an outcome: the text report (what, why, how to reproduce,
 * timeline), the explanation of a violation, the timeline alone, the Chrome trace and the HTML
 * report; the vocabulary that names the oracle of a violation.
 */
export { formatReport, summarize } from "./report.js";
export type { ReportContext } from "./report.js";
export { formatTimeline } from "./timeline.js";
export type { TimelineOptions } from "./timeline.js";
export { explain } from "./explain.js";
export type { Explanation } from "./explain.js";
export { toChromeTrace } from "./chrome-export.js";
export type { ChromeTrace, ChromeTraceEvent, ChromeTraceMeta, ChromePhase } from "./chrome-export.js";
export { toHtmlReport } from "./html-report.js";
export type { HtmlReportMeta } from "./html-report.js";
export { oracleLabel, oracleOf, oracleSignature, stuckDiagnoses, violationSubKind } from "../oracles/vocabulary.js";
export type { OracleName } from "../oracles/vocabulary.js";
