// `matrix --json`: one document on stdout for scripts and CI, the cells as
// the matrix concluded them. schemaVersion changes only when a field changes
// meaning or goes away.
import type { MatrixResult } from '../matrix/result.js';

const schemaVersion = 1;

export function renderMatrixJson(result: MatrixResult): string {
  return `${JSON.stringify({ schemaVersion, ...result }, null, 2)}\n`;
}
