// Picks the valid word a misspelt config word most likely meant ("interval_s" → "interval").

/** The closest candidate, or undefined when none is close enough to be a plausible typo. */
export function suggestNearest(word: string, candidates: readonly string[]): string | undefined {
  const wanted = normalize(word);
  if (wanted === '') return undefined;
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const known = normalize(candidate);
    if (known === wanted) return candidate;
    // "maxBody" for "maxBodyBytes": a truncated key is a typo too.
    const distance = wanted.length >= 4 && known.startsWith(wanted) ? 1 : editDistance(wanted, known);
    if (!best || distance < best.distance) best = { candidate, distance };
  }
  if (!best) return undefined;
  const allowed = Math.min(2, Math.floor(wanted.length / 3));
  return best.distance <= Math.max(1, allowed) && best.distance < wanted.length / 2 ? best.candidate : undefined;
}

/** Case, "_" and "-" do not matter: min_days_left, MinDaysLeft and minDaysLeft are one word. */
function normalize(word: string): string {
  return word.toLowerCase().replace(/[-_\s]/g, '');
}

/** Levenshtein distance with adjacent transpositions counted as one edit. */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1;
      let value = Math.min(table[row - 1]![column]! + 1, table[row]![column - 1]! + 1, table[row - 1]![column - 1]! + cost);
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        value = Math.min(value, table[row - 2]![column - 2]! + 1);
      }
      table[row]![column] = value;
    }
  }
  return table[rows - 1]![columns - 1]!;
}
