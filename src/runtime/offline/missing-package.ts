// Which package an offline build lacked, read from its client's own error in
// the build log: each client names it in its own words when it is told to stay
// offline and the store does not have it.

export interface MissingPackage {
  /** The client that asked for it. */
  client: 'go' | 'maven' | 'pip' | 'npm';
  /** The package as that client names it (module@version, group:artifact:type:version, a requirement, a URL's name). */
  name: string;
}

const patterns: Array<{ client: MissingPackage['client']; pattern: RegExp }> = [
  // go, its proxy the pack's downloads: "otel.go:9:2: example.com/m@v1.2.3: reading
  // file:///…/example.com/m/@v/v1.2.3.zip: no such file or directory" (the builder's `go run`
  // says the same of the builder, after "go: ").
  { client: 'go', pattern: /(?:^|\s)([^\s:]+@v[^\s:]+): reading file:/m },
  // maven: "Cannot access central (…) in offline mode and the artifact g:a:type:version has not
  // been downloaded from it before."
  { client: 'maven', pattern: /the artifact (\S+) has not been downloaded from it before/ },
  // pip: "ERROR: No matching distribution found for flask==3.1.0"
  { client: 'pip', pattern: /No matching distribution found for (\S+)/ },
  // npm: "npm error request to https://host/@scope%2fname failed: cache mode is 'only-if-cached'
  // but no cached response is available." (a tarball's URL ends in /-/name-version.tgz)
  {
    client: 'npm',
    pattern:
      /request to https?:\/\/[^/\s]+\/((?:@[^/\s]+(?:\/|%2[fF]))?[^/\s]+)(?:\/-\/\S+)? failed: cache mode is 'only-if-cached'/,
  },
];

export function missingPackage(log: string): MissingPackage | undefined {
  for (const { client, pattern } of patterns) {
    const name = pattern.exec(log)?.[1];
    if (name) return { client, name: decodeURIComponent(name) };
  }
  return undefined;
}
