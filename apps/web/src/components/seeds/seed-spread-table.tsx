import { Badge, Table } from "@mantine/core";
import { formatAccuracy, formatCount } from "@/lib/format";
import type { SeedSpread } from "./seed-spread";

/** Each row key across the seeds, in sweep order: how many seeds have it and its test accuracy's spread. */
export function SeedSpreadTable({ spread }: { readonly spread: SeedSpread }) {
  const total = spread.seeds.length;
  return (
    <Table striped aria-label="Spread across seeds, one line per row key" data-testid="seed-spread-table">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Row</Table.Th>
          <Table.Th>Seeds</Table.Th>
          <Table.Th>Mean test accuracy</Table.Th>
          <Table.Th>Min</Table.Th>
          <Table.Th>Max</Table.Th>
          <Table.Th>Worst seed</Table.Th>
          <Table.Th>Mean parameters</Table.Th>
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {spread.rows.map((row) => (
          <Table.Tr key={row.rowKey} data-row-key={row.rowKey}>
            <Table.Td>{row.rowKey}</Table.Td>
            <Table.Td>
              {row.seeds} of {total}
              {!row.complete && (
                <Badge
                  ml={6}
                  size="xs"
                  color="orange"
                  variant="light"
                  title={`missing seeds ${row.missingSeeds.join(", ")}`}
                >
                  incomplete
                </Badge>
              )}
            </Table.Td>
            <Table.Td>{formatAccuracy(row.testAccuracy.mean)}</Table.Td>
            <Table.Td>{formatAccuracy(row.testAccuracy.min)}</Table.Td>
            <Table.Td>{formatAccuracy(row.testAccuracy.max)}</Table.Td>
            <Table.Td>{row.worstTestSeed.seed}</Table.Td>
            <Table.Td>{formatCount(Math.round(row.parameters.mean))}</Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
