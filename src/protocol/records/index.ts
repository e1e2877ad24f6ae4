// The record-batch layer in one import: header access, validation, build/parse, codecs, control records.
export * from './batch.ts';
export * from './batch-error.ts';
export * from './batch-header.ts';
export * from './compression.ts';
export * from './control.ts';
export * from './record.ts';
export * from './validate.ts';
