// A cell of the version matrix: one set of OpenTelemetry versions the chain
// is built and checked with, what it is expected to do, and why. Cells come
// from `--sdk` lists (every combination) or from a cells file.
import { parseSdkFlags, sdkLanguages, type SdkLanguage, type SdkRequest } from '../topology/sdk-versions.js';

/** What a cell is expected to do: a known break stays broken until its expectation is updated. */
export type CellExpectation = 'pass' | 'broken';

export interface MatrixCell {
  /** The versions asked for; a language not named keeps its default. */
  sdk: SdkRequest;
  /** Absent when nothing says: a cell is then expected to pass. */
  expect?: CellExpectation;
  /**
   * Where a cell expected broken breaks: directions (`java → go`) or hops of the chain
   * (`api-gateway → auth-service`). When given, a break anywhere else, or one of these that
   * continues, is not what was expected.
   */
  breaks?: string[];
  /** One line on why the cell is expected to do that. */
  why?: string;
}

/** At most this many cells in one matrix: each one builds and runs the whole chain. */
export const maxCells = 64;
/** At most this many versions of one language in `--sdk lang=v1,v2,…`. */
const maxVersionsPerLanguage = 16;

/** The languages a request names, in the chain's order (go, java, python, nodejs, collector). */
export const namedLanguages = (sdk: SdkRequest): SdkLanguage[] => sdkLanguages.filter((l) => sdk[l] !== undefined);

/** `go=1.41.0 java=2.26.0`: the versions a cell names, in the chain's order; `defaults` when it names none. */
export const cellLabel = (sdk: SdkRequest): string =>
  namedLanguages(sdk)
    .map((l) => `${l}=${sdk[l]}`)
    .join(' ') || 'defaults';

/** The `--sdk` flags that ask for a cell's versions, one `lang=version` each. */
export const cellSdkFlags = (sdk: SdkRequest): string[] => namedLanguages(sdk).map((l) => `${l}=${sdk[l]}`);

/** Every version of every line in a cell: the ones it names, the defaults for the rest. */
export const cellVersions = (sdk: SdkRequest, defaults: Record<SdkLanguage, string>): Record<SdkLanguage, string> => ({
  ...defaults,
  ...sdk,
});

/**
 * `--sdk java=2.25.0,2.26.0 --sdk go=1.41.0,1.47.0` as cells: every combination, the first
 * language named varying slowest. Or the usage error worded for people.
 */
export function cellsFromSdkFlags(values: readonly string[]): MatrixCell[] | string {
  const lines: Array<{ language: SdkLanguage; versions: string[] }> = [];
  for (const value of values) {
    const match = /^([a-z]+)=(.*)$/.exec(value);
    if (!match) return `Expected --sdk language=version[,version…] (e.g. go=1.41.0,1.47.0), got "${value}"`;
    const [, language, list] = match as unknown as [string, string, string];
    const versions = list.split(',');
    if (versions.length > maxVersionsPerLanguage) {
      return `Expected at most ${maxVersionsPerLanguage} versions of ${language} in --sdk, got ${versions.length}`;
    }
    // Each version on its own, through the one parser of `--sdk`: the same errors as `check`'s.
    for (const version of versions) {
      const parsed = parseSdkFlags([`${language}=${version}`]);
      if (typeof parsed === 'string') return parsed;
    }
    if (new Set(versions).size !== versions.length) {
      return `Expected each version of ${language} once in --sdk, got "${list}"`;
    }
    if (lines.some((l) => l.language === language)) {
      return `Expected --sdk ${language}=… once (list its versions with commas), got it twice`;
    }
    lines.push({ language: language as SdkLanguage, versions });
  }
  const count = lines.reduce((n, l) => n * l.versions.length, 1);
  if (count > maxCells) return `Expected at most ${maxCells} cells, got ${count} combinations of --sdk versions`;
  let cells: SdkRequest[] = [{}];
  for (const { language, versions } of lines) {
    cells = cells.flatMap((cell) => versions.map((version) => ({ ...cell, [language]: version })));
  }
  return cells.map((sdk) => ({ sdk }));
}
