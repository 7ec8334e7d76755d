import { formatAccuracy, formatBytes, formatCount, formatDateTime } from "../../lib/format";
import type { TimelineRow } from "./timeline-entries";

/** What a tooltip names about one point: whose step or which landed run, the row, the person and the note. */
export interface PointDetails {
  readonly title: string;
  readonly row: TimelineRow;
  readonly at: string;
  readonly actor?: string;
  readonly note?: string;
}

/** A point's tooltip as ECharts HTML; people's text (names, notes, experiment names) is escaped. */
export function tooltipOf(details: PointDetails | null): string {
  if (details === null) return "";
  const { row } = details;
  return [
    `<b>${escapeHtml(details.title)}</b> · ${formatDateTime(details.at)}`,
    `${escapeHtml(row.experimentName)}: row ${escapeHtml(row.rowKey)} (run ${escapeHtml(row.runId)})`,
    `${formatBytes(row.bytes)} · ${formatCount(row.parameters)} parameters`,
    `validation ${formatAccuracy(row.validationAccuracy)} · test ${formatAccuracy(row.testAccuracy)}`,
    details.actor === undefined ? "" : `by ${escapeHtml(details.actor)}`,
    details.note === undefined || details.note === "" ? "" : `“${escapeHtml(details.note)}”`,
  ]
    .filter((line) => line !== "")
    .join("<br/>");
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
