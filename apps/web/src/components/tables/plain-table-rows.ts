import { Table } from "@mantine/core";

/**
 * What Mantine's Table.Tr and Table.Td put on their elements (classes and data attributes), for the
 * big tables that write plain <tr> and <td> inside a Mantine <Table>: the same look and the same CSS,
 * without a Mantine component per cell (each one reads props, context and theme and resolves its
 * styles). The run page's sweep and artifact tables are ~900 cells; as Mantine components they were
 * a large part of the page's server render and of its hydration.
 */
export interface PlainRowOptions {
  /** As the <Table>'s `striped`. */
  readonly striped?: boolean;
  /** As the <Table>'s `highlightOnHover`. */
  readonly highlightOnHover?: boolean;
}

const ROW_CLASS = `${Table.classes.tr} mantine-Table-tr`;
const CELL_CLASS = `${Table.classes.td} mantine-Table-td`;

/** The attributes of a <tr> in a <Table> with these options (row borders on, Mantine's default). */
export function plainRowProps(options: PlainRowOptions = {}) {
  return {
    className: ROW_CLASS,
    "data-with-row-border": true,
    ...(options.striped === true ? { "data-striped": "odd" } : {}),
    ...(options.highlightOnHover === true ? { "data-hover": true } : {}),
  } as const;
}

/** The attributes of a <td> in a <Table> (with `withColumnBorders` when the table has them). */
export function plainCellProps(withColumnBorders = false) {
  return withColumnBorders
    ? ({ className: CELL_CLASS, "data-with-column-border": true } as const)
    : ({ className: CELL_CLASS } as const);
}
