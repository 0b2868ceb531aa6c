// Columns laid out like kubectl's printer (Go's tabwriter with minwidth 6, padding 3): every
// cell but the last of a line is padded to its column's width, the last one is not.

export type Widths = number[];

const minWidth = 6;
const padding = 3;

export function columnWidths(rows: string[][], previous: Widths = []): Widths {
	const widths = [...previous];
	for (const row of rows) {
		row.slice(0, -1).forEach((cell, index) => {
			widths[index] = Math.max(widths[index] ?? 0, minWidth, cell.length + padding);
		});
	}
	return widths;
}

export function layoutRow(row: string[], widths: Widths): string {
	return row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index] ?? 0))).join('');
}

export function layoutTable(rows: string[][]): {lines: string[]; widths: Widths} {
	const widths = columnWidths(rows);
	return {lines: rows.map(row => layoutRow(row, widths)), widths};
}
