// Where the consumer instances of one bridge deployment live, so that a request reaching any replica can
// be served by the replica that holds the instance (a Strimzi bridge keeps instances in one replica's
// memory, which forces sticky sessions on whoever routes to it). The Kafka-backed implementation is
// `openInstanceDirectory(context)` in kafka-directory.ts (undefined unless bridge.replica.url is set;
// open it before the consumer routes and close it after them, so closing instances can still release
// their entries); forward.ts relays requests to the owner.

/** The directory of consumer instances shared by the replicas of one bridge deployment. */
export interface InstanceDirectory {
  /** This replica's own base URL (bridge.replica.url), as other replicas reach it. */
  readonly selfUrl: string;
  /** Records (group, name) as held by this replica; false when another replica holds it already. */
  claim(group: string, name: string): Promise<boolean>;
  /** Forgets (group, name) once this replica has deleted or closed it. */
  release(group: string, name: string): Promise<void>;
  /** The base URL of the other replica holding (group, name), or undefined when none does. */
  ownerOf(group: string, name: string): Promise<string | undefined>;
  /** Removes `owner`'s entry for (group, name): that replica did not answer, so the name is free again. */
  forget(group: string, name: string, owner: string): Promise<void>;
  close(): Promise<void>;
}
