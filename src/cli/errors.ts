// Turning failures into the one line a user reads: what went wrong, where, and how to fix it. The client
// library nests its errors (an aggregate per operation, a response error per request, a protocol error
// per topic or partition, the socket error as a cause), so the explanation looks for the most telling
// error anywhere in that tree.
import { ConfigError } from '../common/config-error.ts';

/** A failure whose message is already the line to print (without the `nagare: ` prefix). */
export class CliError extends Error {
  override name = 'CliError';
  /** 1 for a failed operation, 2 for a command line that cannot work (Unix convention). */
  readonly exitCode: number;

  /** `options.cause` keeps the original error for NAGARE_DEBUG. */
  constructor(message: string, exitCode = 1, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}

/** What the command was doing, to name the place of a failure. */
export interface ErrorContext {
  /** The --bootstrap-server the command talked to. */
  bootstrap?: string;
  /** The topic the command works on, to explain UNKNOWN_TOPIC_OR_PARTITION. */
  topic?: string;
  /** What failed, as a verb phrase: `create topic 'x'`. */
  action: string;
}

interface ErrorNode {
  code?: unknown;
  apiId?: unknown;
  message?: unknown;
  serverErrorMessage?: unknown;
  errors?: unknown;
  cause?: unknown;
}

/** Every error of an error tree, depth first, the root first. */
export function errorTree(root: unknown): ErrorNode[] {
  const found: ErrorNode[] = [];
  const visit = (node: unknown, depth: number) => {
    // Depth guards against cause cycles, which Error allows.
    if (typeof node !== 'object' || node === null || depth > 16) return;
    const error = node as ErrorNode;
    found.push(error);
    if (Array.isArray(error.errors)) for (const child of error.errors) visit(child, depth + 1);
    visit(error.cause, depth + 1);
  };
  visit(root, 0);
  return found;
}

const SOCKET_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection closed',
};

/** Why the broker cannot be reached, when that is the problem. */
function unreachable(nodes: ErrorNode[]): string | undefined {
  for (const node of nodes) {
    const problem = typeof node.code === 'string' ? SOCKET_PROBLEMS[node.code] : undefined;
    if (problem) return problem;
  }
  const messages = nodes.map((node) => String(node.message ?? ''));
  if (messages.some((m) => /timed? ?out/i.test(m))) return 'timed out';
  if (messages.some((m) => /Cannot connect to any broker|Connection to .* failed|Connection closed/.test(m)))
    return 'connection failed';
  return undefined;
}

/** The Kafka error of the first protocol error in the tree: its name and the broker's own message. */
export function kafkaError(root: unknown): { name: string; message: string } | undefined {
  for (const node of errorTree(root)) {
    if (typeof node.apiId !== 'string') continue;
    const detail = typeof node.serverErrorMessage === 'string' ? node.serverErrorMessage : node.message;
    return { name: node.apiId, message: String(detail) };
  }
  return undefined;
}

export function topicMissing(topic: string): CliError {
  return new CliError(`topic '${topic}' does not exist: create it with 'nagare topics create ${topic}'`);
}

/** The one line (without the `nagare: ` prefix) explaining `err`. */
export function explainError(err: unknown, context: ErrorContext): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof ConfigError) return `cannot start the broker: ${err.message}`;
  const nodes = errorTree(err);
  const kafka = kafkaError(err);
  if (context.topic !== undefined) {
    const unknownTopic =
      kafka?.name === 'UNKNOWN_TOPIC_OR_PARTITION' ||
      nodes.some((node) => /^Unknown topic /.test(String(node.message)));
    if (unknownTopic) return topicMissing(context.topic).message;
  }
  if (kafka) return `cannot ${context.action}: ${kafka.message} (${kafka.name})`;
  const unsupported = nodes.find((node) => node.code === 'PLT_KFK_UNSUPPORTED_API');
  if (unsupported) {
    const where = context.bootstrap ? ` at ${context.bootstrap}` : '';
    return `cannot ${context.action}: the broker${where} does not support it (${String(unsupported.message)})`;
  }
  const socketProblem = unreachable(nodes);
  if (socketProblem && context.bootstrap !== undefined) {
    return `cannot reach the broker at ${context.bootstrap} (${socketProblem}): start one with 'nagare dev' or pass --bootstrap-server`;
  }
  const innermost = nodes.at(-1);
  return `cannot ${context.action}: ${String(innermost?.message ?? err)}`;
}
