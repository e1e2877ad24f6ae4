// POST /topics/{topicname} and /topics/{topicname}/partitions/{partitionid}: records in one of the
// embedded formats, answered with each record's offset (or error), or with 204 at once when async=true.
import { EMBEDDED_FORMATS, embeddedType, KAFKA_JSON } from './content-types.ts';
import { schemaViolation, unprocessable } from './errors.ts';
import type { BridgeProducer } from './producer.ts';
import { type HttpProducerRecord, toKafkaRecord } from './records.ts';
import type { BridgeOperation, OperationParameter, OperationRequest } from './routes.ts';
import {
  ERROR,
  type NamedSchema,
  OFFSET_RECORD_SENT_LIST,
  PRODUCER_RECORD_LIST,
  PRODUCER_RECORD_TO_PARTITION_LIST,
} from './schemas.ts';
import { PARTITION_PARAMETER, parsePartitionId, TOPIC_PARAMETER } from './topic-operations.ts';

const ASYNC_PARAMETER: OperationParameter = {
  name: 'async',
  in: 'query',
  required: false,
  description: 'true: answer 204 as soon as the records are handed to the producer, without their offsets',
  schema: { type: 'boolean' },
};

export function producerOperations(producer: BridgeProducer): BridgeOperation[] {
  const send = (
    schema: NamedSchema,
    withPartition: boolean,
  ): Pick<BridgeOperation, 'requestBody' | 'responses' | 'handle'> => ({
    requestBody: { contentTypes: EMBEDDED_FORMATS.map(embeddedType), schema, required: true },
    responses: {
      200: {
        description: 'The offset or error of each record, in request order',
        contentTypes: [KAFKA_JSON],
        schema: OFFSET_RECORD_SENT_LIST,
      },
      204: { description: 'Records accepted (async=true)' },
      400: {
        description: 'Not an embedded format, or records not matching the schema',
        contentTypes: [KAFKA_JSON],
        schema: ERROR,
      },
      404: { description: 'Unknown topic or partition', contentTypes: [KAFKA_JSON], schema: ERROR },
      422: {
        description: 'Records the embedded format cannot carry',
        contentTypes: [KAFKA_JSON],
        schema: ERROR,
      },
    },
    async handle(request: OperationRequest) {
      const topic = request.params.topicname;
      const partition = withPartition ? parsePartitionId(request.params.partitionid) : undefined;
      const format = request.format ?? 'binary';
      const body = request.body as { records?: HttpProducerRecord[] };
      // The schema leaves `records` optional; Strimzi refuses a body without it with 422.
      if (body.records === undefined) throw unprocessable('The request body has no records list');
      const records = body.records.map((record) => toKafkaRecord(record, format, partition));
      if (isAsync(request.query.async)) {
        producer.sendAndForget(topic, records);
        return { status: 204 };
      }
      return { status: 200, contentType: KAFKA_JSON, body: { offsets: await producer.send(topic, records) } };
    },
  });
  return [
    {
      operationId: 'send',
      method: 'POST',
      path: '/topics/{topicname}',
      description: 'Sends records to a topic, each to the partition it names or one chosen from its key.',
      tags: ['Producer'],
      parameters: [TOPIC_PARAMETER, ASYNC_PARAMETER],
      ...send(PRODUCER_RECORD_LIST, false),
    },
    {
      operationId: 'sendToPartition',
      method: 'POST',
      path: '/topics/{topicname}/partitions/{partitionid}',
      description: 'Sends records to one partition of a topic.',
      tags: ['Producer'],
      parameters: [TOPIC_PARAMETER, PARTITION_PARAMETER, ASYNC_PARAMETER],
      ...send(PRODUCER_RECORD_TO_PARTITION_LIST, true),
    },
  ];
}

/** The async query parameter, a boolean as OpenAPI spells it. */
function isAsync(value: string | undefined): boolean {
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw schemaViolation([`async: '${value}' is not a boolean (expected true or false)`]);
}
