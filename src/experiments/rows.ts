/**
 * A long-format table's rows as typed objects, for claims and figures that read a table row by
 * row. The row type is the caller's statement of the table's columns (each experiment declares it
 * beside the table), not something arquero checks.
 */
import type { ColumnTable } from "arquero";

export const rowsOf = <R>(table: ColumnTable): R[] => table.objects() as R[];
