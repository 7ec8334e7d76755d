"use client";

import { Table, UnstyledButton } from "@mantine/core";
import { memo, useMemo, useState } from "react";
import { plainCellProps, plainRowProps } from "@/components/tables/plain-table-rows";
import { formatAccuracy, formatBytes, formatCount, formatDrop, formatLatency, formatPercent } from "@/lib/format";
import type { ResultRow } from "@/lib/router-outputs";
import { describeThreshold } from "@/lib/thresholds";
import classes from "./sweep-table.module.css";

const DTYPE_SHORT = { float32: "f32", float16: "f16", uint8: "u8" } as const;

function smallestBundle(row: ResultRow): number | null {
  return row.bundles.length === 0 ? null : Math.min(...row.bundles.map((bundle) => bundle.bytes));
}

type Column = {
  readonly key: string;
  readonly label: string;
  readonly value: (row: ResultRow) => number | string | null;
  readonly render: (row: ResultRow) => string;
};

const COLUMNS: readonly Column[] = [
  { key: "position", label: "#", value: (row) => row.position, render: (row) => String(row.position + 1) },
  {
    key: "threshold",
    label: "Threshold",
    value: (row) => row.rowKey,
    render: (row) => describeThreshold(row.threshold),
  },
  { key: "status", label: "Status", value: (row) => row.status, render: (row) => row.status },
  {
    key: "kept",
    label: "Kept neurons",
    value: (row) => row.keptNeuronTotal,
    render: (row) => row.keptNeurons.join("-"),
  },
  {
    key: "parameters",
    label: "Parameters",
    value: (row) => row.parameters,
    render: (row) => formatCount(row.parameters),
  },
  { key: "bytes", label: "Size", value: (row) => row.bytes, render: (row) => formatBytes(row.bytes) },
  {
    key: "validationAccuracy",
    label: "Val. acc.",
    value: (row) => row.validationAccuracy,
    render: (row) => formatAccuracy(row.validationAccuracy),
  },
  {
    key: "testAccuracy",
    label: "Test acc.",
    value: (row) => row.testAccuracy,
    render: (row) => formatAccuracy(row.testAccuracy),
  },
  {
    key: "validationAccuracyDrop",
    label: "Val. change",
    value: (row) => row.validationAccuracyDrop,
    render: (row) => formatDrop(row.validationAccuracyDrop),
  },
  {
    key: "testAccuracyDrop",
    label: "Test change",
    value: (row) => row.testAccuracyDrop,
    render: (row) => formatDrop(row.testAccuracyDrop),
  },
  {
    key: "parameterReductionPercent",
    label: "Params removed",
    value: (row) => row.parameterReductionPercent,
    render: (row) => formatPercent(row.parameterReductionPercent),
  },
  {
    key: "neuronReductionPercent",
    label: "Neurons removed",
    value: (row) => row.neuronReductionPercent,
    render: (row) => formatPercent(row.neuronReductionPercent),
  },
  {
    key: "recoveredTestAccuracy",
    label: "Recovered test",
    value: (row) => row.recovery?.testAccuracy ?? null,
    render: (row) => (row.recovery === null ? "" : `${formatAccuracy(row.recovery.testAccuracy)}`),
  },
  {
    key: "bundleBytes",
    label: "Bundles on disk",
    value: (row) => smallestBundle(row),
    render: (row) =>
      row.bundles
        .filter((bundle) => bundle.weights === "one-shot")
        .map((bundle) => `${DTYPE_SHORT[bundle.dtype]} ${formatBytes(bundle.bytes)}`)
        .join(" · "),
  },
  {
    key: "latencyMsPerSample",
    label: "Latency/sample",
    value: (row) => row.latencyMsPerSample,
    render: (row) => formatLatency(row.latencyMsPerSample),
  },
];

export interface SweepTableProps {
  readonly rows: readonly ResultRow[];
  readonly selectedRowId: string | null;
  readonly onSelect: (rowId: string) => void;
}

/** Every field of every threshold; click a header to sort, a row to open it. Pareto rows are marked. */
export const SweepTable = memo(function SweepTable({ rows, selectedRowId, onSelect }: SweepTableProps) {
  const [sort, setSort] = useState<{ key: string; descending: boolean }>({ key: "position", descending: false });
  // Deployment columns only when the deploy stage measured something.
  const columns = useMemo(
    () =>
      COLUMNS.filter(
        (column) =>
          (column.key !== "recoveredTestAccuracy" || rows.some((row) => row.recovery !== null)) &&
          (column.key !== "bundleBytes" || rows.some((row) => row.bundles.length > 0)),
      ),
    [rows],
  );
  const sorted = useMemo(() => {
    const column = COLUMNS.find((entry) => entry.key === sort.key) ?? COLUMNS[0]!;
    const direction = sort.descending ? -1 : 1;
    return [...rows].sort((a, b) => {
      const left = column.value(a);
      const right = column.value(b);
      // Unknown values (an emptied layer has no accuracy) sink to the bottom either way.
      if (left === null || right === null) return left === right ? 0 : left === null ? 1 : -1;
      return (left < right ? -1 : left > right ? 1 : 0) * direction;
    });
  }, [rows, sort]);

  return (
    // The browser's own scrolling: Mantine's ScrollArea measures its thumbs on every load.
    <div style={{ overflowX: "auto" }}>
      <Table striped highlightOnHover aria-label="Sweep results" data-testid="sweep-table" miw={1100}>
        <Table.Thead>
          <Table.Tr>
            {columns.map((column) => (
              <Table.Th
                key={column.key}
                aria-sort={sort.key === column.key ? (sort.descending ? "descending" : "ascending") : "none"}
              >
                <UnstyledButton
                  fw={600}
                  fz="sm"
                  onClick={() =>
                    setSort((current) => ({
                      key: column.key,
                      descending: current.key === column.key ? !current.descending : false,
                    }))
                  }
                >
                  {column.label}
                  {sort.key === column.key ? (sort.descending ? " ▼" : " ▲") : ""}
                </UnstyledButton>
              </Table.Th>
            ))}
            <Table.Th>Pareto</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {sorted.map((row) => (
            <SweepRow
              key={row.id}
              row={row}
              columns={columns}
              selected={row.id === selectedRowId}
              onSelect={onSelect}
            />
          ))}
        </Table.Tbody>
      </Table>
    </div>
  );
});

const ROW = plainRowProps({ striped: true, highlightOnHover: true });
const CELL = plainCellProps();

/**
 * One threshold's row, plain <tr>/<td> with Mantine's table classes (see plain-table-rows). Memoised:
 * picking a row redraws the two rows whose selection changed, not every cell of the table (30 rows x
 * 16 columns took ~70 ms of the click before the drawer opened).
 */
const SweepRow = memo(function SweepRow({
  row,
  columns,
  selected,
  onSelect,
}: {
  readonly row: ResultRow;
  readonly columns: readonly Column[];
  readonly selected: boolean;
  readonly onSelect: (rowId: string) => void;
}) {
  return (
    <tr
      {...ROW}
      data-row-id={row.id}
      data-row-key={row.rowKey}
      aria-selected={selected}
      style={{ cursor: "pointer", background: selected ? "var(--mantine-color-indigo-0)" : undefined }}
      tabIndex={0}
      onClick={() => onSelect(row.id)}
      onKeyDown={(event) => {
        if (event.key === "Enter") onSelect(row.id);
      }}
    >
      {columns.map((column) => (
        <td key={column.key} {...CELL} title={column.key === "status" ? (row.note ?? undefined) : undefined}>
          {column.render(row)}
        </td>
      ))}
      <td {...CELL}>{row.pareto && <span className={classes.pareto}>✓ Pareto</span>}</td>
    </tr>
  );
});
