// ApiVersions (key 18): the versions this broker serves. A client asking with a version we do not know gets
// UNSUPPORTED_VERSION with our range, encoded as v0 so that any client can read it (see dispatch.ts).
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import { transactionVersionFeatures } from '../txn/transaction-version.ts';
import type { ApiDefinition } from './api.ts';

/** KIP-511: the client software name and version must match this when given (v3+). */
const SOFTWARE_FIELD = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function apiVersionsList(served: ApiDefinition[]) {
  return served
    .map((api) => ({ apiKey: api.key, minVersion: api.minVersion, maxVersion: api.maxVersion }))
    .sort((a, b) => a.apiKey - b.apiKey);
}

export function apiVersionsApi(served: () => ApiDefinition[]): ApiDefinition {
  return {
    key: API_KEYS.ApiVersions,
    minVersion: 0,
    maxVersion: 4,
    handle(body, ctx) {
      const apiKeys = apiVersionsList(served());
      if (ctx.header.apiVersion >= 3) {
        const name = body.clientSoftwareName as string;
        const version = body.clientSoftwareVersion as string;
        if (!SOFTWARE_FIELD.test(name) || !SOFTWARE_FIELD.test(version)) {
          return { errorCode: ERRORS.INVALID_REQUEST.code, apiKeys, throttleTimeMs: 0 };
        }
      }
      // The features (v3+ tagged fields): transaction.version, which makes Java clients use KIP-890 part 2.
      return { errorCode: 0, apiKeys, throttleTimeMs: 0, ...transactionVersionFeatures() };
    },
  };
}
