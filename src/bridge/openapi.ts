// The bridge's OpenAPI document, built from the operations it serves (what /openapi and /openapi/v3
// return). Strimzi serves a document bundled with its jar; Nagare builds its own from its route
// declarations instead, so the document always describes exactly the routes this bridge registers.
import type { BridgeOperation } from './routes.ts';
import type { JsonSchema, NamedSchema } from './schemas.ts';

export function openApiDocument(operations: BridgeOperation[], version: string): JsonSchema {
  const schemas: Record<string, JsonSchema> = {};
  const ref = (named: NamedSchema) => {
    schemas[named.name] = named.schema;
    return { $ref: `#/components/schemas/${named.name}` };
  };
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const op of operations) {
    const responses: Record<string, JsonSchema> = {};
    for (const [status, response] of Object.entries(op.responses)) {
      const content = response.contentTypes?.length
        ? Object.fromEntries(
            response.contentTypes.map((type) => [
              type,
              response.schema ? { schema: ref(response.schema) } : {},
            ]),
          )
        : undefined;
      responses[status] = { description: response.description, ...(content ? { content } : {}) };
    }
    const body = op.requestBody;
    paths[op.path] ??= {};
    paths[op.path][op.method.toLowerCase()] = {
      operationId: op.operationId,
      description: op.description,
      tags: op.tags,
      ...(op.parameters?.length ? { parameters: op.parameters } : {}),
      ...(body
        ? {
            requestBody: {
              required: body.required,
              content: Object.fromEntries(
                body.contentTypes.map((type) => [type, { schema: ref(body.schema) }]),
              ),
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Nagare HTTP bridge',
      description:
        'The Strimzi Kafka Bridge API, served by Nagare: produce, consume and manage topics over HTTP.',
      version,
    },
    paths,
    components: { schemas },
  };
}
