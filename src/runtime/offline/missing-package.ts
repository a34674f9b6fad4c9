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
  // go: "go: example.com/m@v1.2.3: reading file:///…/cache/download/example.com/m/@v/v1.2.3.info: no such file or directory"
  { client: 'go', pattern: /^go: (?:[^\s:]+: )?(\S+@\S+?): (?:reading file:|module lookup disabled|.*not found)/m },
  { client: 'go', pattern: /^\S+\.go:\d+:\d+: no required module provides package (\S+?);/m },
  // maven: "… in offline mode and the artifact g:a:jar:1.0 has not been downloaded from it before"
  { client: 'maven', pattern: /the artifact (\S+) has not been downloaded from it before/ },
  { client: 'maven', pattern: /Plugin (\S+) or one of its dependencies could not be resolved/ },
  // pip: "ERROR: No matching distribution found for flask==3.1.0"
  { client: 'pip', pattern: /No matching distribution found for (\S+)/ },
  // npm: "request to https://host/@scope%2fname failed: cache mode is 'only-if-cached' …"
  {
    client: 'npm',
    pattern:
      /request to \S+?\/((?:@[^/\s]+(?:\/|%2[fF]))?[^/\s]+?)(?:\/-\/\S+)? failed: cache mode is 'only-if-cached'/,
  },
];

export function missingPackage(log: string): MissingPackage | undefined {
  for (const { client, pattern } of patterns) {
    const name = pattern.exec(log)?.[1];
    if (name) return { client, name: decodeURIComponent(name) };
  }
  return undefined;
}
