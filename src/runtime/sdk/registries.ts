// What resolving a set of SDK versions asks of the package registries, as
// small interfaces: the real ones go through the machine's own clients
// (go-client.ts, maven-client.ts, pip-client.ts, npm-client.ts), and a test answers from recorded metadata.

/** The Go module proxy, as the `go` client reads it. */
export interface GoModules {
  /** Every released version of a module (`v1.41.0`), oldest first. */
  versions(module: string): Promise<string[]>;
  /** The requirements in one version's go.mod (module → version); undefined when the proxy has no such version. */
  requires(module: string, version: string): Promise<Record<string, string> | undefined>;
}

/** A Maven repository, as `mvn` reads it. */
export interface MavenArtifacts {
  /** Every released version of an artifact (`group:artifact`), oldest first. */
  versions(coordinates: string): Promise<string[]>;
  /** The text of one version's POM. */
  pom(coordinates: string, version: string): Promise<string>;
}

/** The Python package index, as pip reads it. */
export interface PythonPackages {
  /** Every released version of a package, in any order. */
  versions(name: string): Promise<string[]>;
  /**
   * What pip's resolver picks for these requirements (name → version, and what each of them
   * requires), or why no set satisfies them. Names as the index compares them (PEP 503).
   */
  resolve(
    requirements: string[],
  ): Promise<{ resolved: Record<string, string>; requires: Record<string, string[]> } | { conflict: string }>;
}

/** One version of an npm package, as its registry metadata gives it. */
export interface NpmManifest {
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  /** What the package was built and tested against (a contrib instrumentation: the library it patches). */
  devDependencies?: Record<string, string>;
  engines?: { node?: string };
}

/** The npm registry, as `npm` reads it. */
export interface NpmPackages {
  /** Every published version of a package, in any order; none when the registry has no such package. */
  versions(name: string): Promise<string[]>;
  /** The metadata of each version in a semver range (`>=0.0.0` for all; `*` means the latest only); none when no version matches. */
  manifests(name: string, range: string): Promise<NpmManifest[]>;
}

export interface Registries {
  go: GoModules;
  maven: MavenArtifacts;
  pip: PythonPackages;
  npm: NpmPackages;
}
