/**
 * `($1, $2), ($3, $4), …` for a multi-row INSERT of `rows` rows of `width` columns whose parameters are passed
 * row after row: one statement (one round trip) for a whole batch.
 */
export function valuesPlaceholders(rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const cols: string[] = [];
    for (let c = 1; c <= width; c++) cols.push(`$${r * width + c}`);
    out.push(`(${cols.join(', ')})`);
  }
  return out.join(', ');
}
