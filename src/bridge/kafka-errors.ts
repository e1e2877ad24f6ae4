// Reading @platformatic/kafka's errors: they nest (AggregateError-like `errors`, `cause`), and the Kafka
// error, when there is one, sits somewhere inside with its name in `apiId`.

interface ErrorNode {
  message?: unknown;
  apiId?: unknown;
  serverErrorMessage?: unknown;
  errors?: unknown;
  cause?: unknown;
}

function* errorNodes(root: unknown, depth = 0): Generator<ErrorNode> {
  // Depth guards against cause cycles, which Error allows.
  if (typeof root !== 'object' || root === null || depth > 16) return;
  const node = root as ErrorNode;
  yield node;
  if (Array.isArray(node.errors)) for (const child of node.errors) yield* errorNodes(child, depth + 1);
  yield* errorNodes(node.cause, depth + 1);
}

/** The name of the first Kafka protocol error inside `err` (e.g. TOPIC_ALREADY_EXISTS). */
export function kafkaErrorName(err: unknown): string | undefined {
  for (const node of errorNodes(err)) if (typeof node.apiId === 'string') return node.apiId;
  return undefined;
}

export function isUnknownTopic(err: unknown): boolean {
  if (kafkaErrorName(err) === 'UNKNOWN_TOPIC_OR_PARTITION') return true;
  for (const node of errorNodes(err)) if (/^Unknown topic/i.test(String(node.message))) return true;
  return false;
}

/** The most specific message inside `err`: the broker's own words when it sent some. */
export function kafkaErrorMessage(err: unknown): string {
  let deepest = '';
  for (const node of errorNodes(err)) {
    if (typeof node.serverErrorMessage === 'string' && node.serverErrorMessage !== '')
      return node.serverErrorMessage;
    if (typeof node.apiId === 'string') return String(node.message);
    if (deepest === '' && typeof node.message === 'string') deepest = node.message;
  }
  return deepest || String(err);
}
