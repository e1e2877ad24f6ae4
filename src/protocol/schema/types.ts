// The shape of the generated message schemas (see scripts/generate-protocol.ts).

/** Inclusive version range; 0x7fff stands for "and every later version". */
export type VersionRange = [number, number];

export type FieldType =
  | 'bool'
  | 'int8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'int64'
  | 'float64'
  | 'string'
  | 'bytes'
  | 'records'
  | 'uuid'
  | 'struct';

export interface FieldSchema {
  name: string;
  type: string;
  array?: boolean;
  fields?: FieldSchema[];
  versions: VersionRange;
  nullable?: VersionRange;
  tag?: number;
  tagged?: VersionRange;
  /** Overrides the message's flexible versions for this field; null means never flexible. */
  flexible?: VersionRange | null;
  default?: string | number | boolean | null;
}

export interface MessageSchema {
  name: string;
  validVersions: VersionRange | null;
  flexibleVersions: VersionRange | null;
  fields: FieldSchema[];
}

export interface ApiSchema {
  apiKey: number;
  name: string;
  listeners: string[];
  request: MessageSchema;
  response: MessageSchema;
}
