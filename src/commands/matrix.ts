// `polytrace matrix`: its flags into cells and run options, the matrix run,
// its reports where the flags ask. Exit 0 when every cell did what it was
// expected to do, 1 otherwise, 130 when interrupted (with the cells that
// finished reported); 2 for a bad flag or cells file.
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { exitCodes, UsageError } from '../common/errors.js';
import { runMatrix } from '../core/matrix.js';
import { cellsFromSdkFlags, type MatrixCell } from '../matrix/cell.js';
import { maxCellsFileBytes, parseCellsFile } from '../matrix/cells-file.js';
import { withExpectations } from '../matrix/expectations.js';
import { githubMatrix } from '../matrix/github-matrix.js';
import { matrixReporters, type ReportContext } from '../report/reporters.js';
import { colorEnabled, colorsFor } from '../report/style.js';
import { defaultSdkVersions } from '../topology/sdk-versions.js';
import { toFile, type ReportFlags } from './emit-reports.js';
import { localRuntimeOnly, parseChainFlags, parseCount, withFreePorts } from './options.js';
import { stderrProgress } from './progress-printer.js';

export interface MatrixFlags extends ReportFlags {
  runtime: string;
  port: string[];
  outDir: string;
  /** `--sdk java=2.25.0,2.26.0`, repeatable: every combination is a cell. */
  sdk: string[];
  cells?: string;
  expect?: string;
  githubMatrix?: boolean;
  requests: string;
}

/** A cells file as text, read no further than the largest one accepted. */
async function readCellsFile(path: string, flag: string): Promise<MatrixCell[]> {
  let text: string;
  try {
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(maxCellsFileBytes + 1);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new UsageError(`Expected ${flag} to name a readable file, got ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  const cells = parseCellsFile(text, path);
  if (typeof cells === 'string') throw new UsageError(cells);
  return cells;
}

async function matrixCells(flags: MatrixFlags): Promise<MatrixCell[]> {
  if (flags.cells && flags.sdk.length > 0) {
    throw new UsageError('Expected --sdk or --cells, got both: a cells file names each cell whole');
  }
  if (flags.cells) return readCellsFile(flags.cells, '--cells');
  if (flags.sdk.length === 0) {
    throw new UsageError(
      'Expected the cells: --sdk language=version[,version…] (repeatable; every combination runs) or --cells FILE',
    );
  }
  const cells = cellsFromSdkFlags(flags.sdk);
  if (typeof cells === 'string') throw new UsageError(cells);
  return cells;
}

export async function matrixCommand(flags: MatrixFlags, signal: AbortSignal): Promise<number> {
  const entries = flags.expect ? await readCellsFile(flags.expect, '--expect') : [];
  const cells = withExpectations(await matrixCells(flags), { entries, defaults: defaultSdkVersions() });
  const requests = parseCount('--requests', flags.requests, 20);
  if (flags.githubMatrix) {
    process.stdout.write(`${JSON.stringify(githubMatrix(cells))}\n`);
    return exitCodes.ok;
  }
  const progress = stderrProgress();
  const parsed = parseChainFlags(
    { runtime: flags.runtime, port: flags.port, baseImage: [], outDir: flags.outDir, scenario: 'happy', sdk: [] },
    progress,
    // Each cell is tried in every direction between the languages, through the services'
    // test-service endpoints: a Java → Go break can show although the chain has no such call.
    true,
  );
  const runOptions = localRuntimeOnly(parsed.runOptions, {
    command: 'matrix',
    why: 'only the local runtime builds other versions so far',
    progress,
  });
  const result = await runMatrix(
    {
      cells,
      runOptions,
      // The ports the user moved stay put; the others are picked free for each cell, as `check` does.
      portsFor: async () => (await withFreePorts(runOptions, flags)).ports,
      scenario: parsed.scenario,
      requests,
    },
    signal,
  );
  const context: ReportContext = {
    width: process.stdout.columns || 100,
    colors: colorsFor(colorEnabled(process.stdout)),
  };
  process.stdout.write(matrixReporters[flags.json ? 'json' : 'terminal'](result, context));
  if (flags.html) await toFile('HTML report', resolve(flags.html), { text: matrixReporters.html(result) });
  if (flags.junit) await toFile('JUnit report', resolve(flags.junit), { text: matrixReporters.junit(result) });
  if (process.env.GITHUB_STEP_SUMMARY) {
    await toFile('step summary', process.env.GITHUB_STEP_SUMMARY, {
      text: matrixReporters['github-summary'](result),
      append: true,
    });
  }
  if (result.interrupted) return exitCodes.interrupted;
  return result.ok ? exitCodes.ok : exitCodes.verificationFailed;
}
