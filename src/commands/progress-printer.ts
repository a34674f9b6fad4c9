// Progress goes to stderr, so stdout stays clean for --json.
import type { Progress } from '../common/progress.js';
import { colorEnabled, colorsFor } from '../report/style.js';

export function stderrProgress(): Progress {
  const colors = colorsFor(colorEnabled(process.stderr));
  return (event) => {
    process.stderr.write(`${colors.dim('polytrace ▸')} ${event.message}\n`);
  };
}
