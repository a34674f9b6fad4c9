import { doctor } from '../core/doctor.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { parsePorts } from './options.js';

export async function doctorCommand(flags: { port: string[] }): Promise<number> {
  const colors = colorsFor(colorEnabled(process.stdout));
  const items = await doctor(parsePorts(flags.port));
  for (const item of items) {
    const mark = item.ok ? colors.green('✓') : colors.red('✗');
    process.stdout.write(`${mark} ${item.group.padEnd(9)} ${item.name.padEnd(8)} ${item.detail}\n`);
    if (item.fix) process.stdout.write(`  ${colors.dim('fix:')} ${item.fix}\n`);
  }
  // Docker is optional (the local runtime works without it); toolchains and ports are not.
  const blocking = items.filter((i) => !i.ok && i.group !== 'docker' && i.group !== 'optional');
  process.stdout.write(
    blocking.length === 0
      ? `${colors.green('ready:')} polytrace check --runtime local can run here\n`
      : `${colors.red('not ready:')} ${blocking.length} problem(s) above\n`,
  );
  return blocking.length === 0 ? 0 : 3;
}
