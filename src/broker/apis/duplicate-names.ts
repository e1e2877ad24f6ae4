// Admin requests that name the same topic twice are refused for those topics (Kafka's INVALID_REQUEST).

/** The names that appear more than once, in order of first appearance. */
export function duplicatedNames(names: Iterable<string>): Set<string> {
  const counts = new Map<string, number>();
  for (const name of names) counts.set(name, (counts.get(name) ?? 0) + 1);
  return new Set([...counts].filter(([, n]) => n > 1).map(([name]) => name));
}
