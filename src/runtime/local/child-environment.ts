// The environment of a child process: the user's, minus any OTEL_* variables
// of their shell (the topology alone configures telemetry), plus ours.
export function childEnvironment(
  extra: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(base)) {
    if (value !== undefined && !key.startsWith('OTEL_')) env[key] = value;
  }
  return { ...env, ...extra };
}
