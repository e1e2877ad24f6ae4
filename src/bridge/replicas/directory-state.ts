// The instance directory as read from its topic (pure: records in, owners out). Every replica writes its
// own record per instance it holds, keyed by (bridge.id, group, name, its URL), and a tombstone under the
// same key when it lets go; so compaction keeps exactly the live claims, and no replica's record ever
// overwrites another's. When two replicas claim one name at once, the claim with the lower offset (the
// one the topic's only partition took first) wins, which every replica reading the topic agrees on.

export interface Claim {
  url: string;
  offset: bigint;
}

interface EntryKey {
  bridgeId: string | null;
  group: string;
  name: string;
  url: string;
}

/** The record key of `url`'s claim on (group, name) in deployment `bridgeId`. */
export function claimKey(bridgeId: string | null, group: string, name: string, url: string): Buffer {
  return Buffer.from(JSON.stringify([bridgeId, group, name, url]));
}

/** The record value of a claim (a tombstone, no value, is a release). */
export function claimValue(url: string): Buffer {
  return Buffer.from(JSON.stringify({ url }));
}

function parseKey(key: Buffer): EntryKey | undefined {
  try {
    const parsed: unknown = JSON.parse(key.toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return undefined;
    const [bridgeId, group, name, url] = parsed as unknown[];
    if (bridgeId !== null && typeof bridgeId !== 'string') return undefined;
    if (typeof group !== 'string' || typeof name !== 'string' || typeof url !== 'string') return undefined;
    return { bridgeId, group, name, url };
  } catch {
    return undefined;
  }
}

const instanceKey = (group: string, name: string) => JSON.stringify([group, name]);

export class DirectoryState {
  readonly #bridgeId: string | null;
  /** Live claims per instance, in the order the topic took them. */
  readonly #claims = new Map<string, Claim[]>();

  constructor(bridgeId: string | null) {
    this.#bridgeId = bridgeId;
  }

  /** Applies one record of the topic; records of other deployments and foreign keys are skipped. */
  apply(key: Buffer | null, value: Buffer | null, offset: bigint): void {
    const entry = key === null ? undefined : parseKey(key);
    if (entry === undefined || entry.bridgeId !== this.#bridgeId) return;
    const id = instanceKey(entry.group, entry.name);
    const others = (this.#claims.get(id) ?? []).filter((claim) => claim.url !== entry.url);
    const previous = this.#claims.get(id)?.find((claim) => claim.url === entry.url);
    // A repeated claim keeps its first offset: its place in the queue does not move.
    const claims = value === null ? others : [...others, previous ?? { url: entry.url, offset }];
    claims.sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : 0));
    if (claims.length === 0) this.#claims.delete(id);
    else this.#claims.set(id, claims);
  }

  /** The replica holding (group, name): the earliest live claim. */
  owner(group: string, name: string): Claim | undefined {
    return this.#claims.get(instanceKey(group, name))?.[0];
  }

  /** Every (group, name) that `url` has a live claim on. */
  claimsOf(url: string): { group: string; name: string }[] {
    const found: { group: string; name: string }[] = [];
    for (const [id, claims] of this.#claims) {
      if (!claims.some((claim) => claim.url === url)) continue;
      const [group, name] = JSON.parse(id) as [string, string];
      found.push({ group, name });
    }
    return found;
  }
}
