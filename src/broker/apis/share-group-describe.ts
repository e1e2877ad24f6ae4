// ShareGroupDescribe (key 77, v1 as Kafka 4.3 serves it): the state, epochs, assignor and members of
// KIP-932 share groups.
import type {
  ShareGroupDescribeRequest,
  ShareGroupDescribeResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const shareGroupDescribeApi: ApiDefinition = {
  key: API_KEYS.ShareGroupDescribe,
  minVersion: 1,
  maxVersion: 1,
  handle(body, ctx): ShareGroupDescribeResponse {
    const request = body as ShareGroupDescribeRequest;
    return {
      throttleTimeMs: 0,
      groups: ctx.broker.shareGroups.describe(request.groupIds, request.includeAuthorizedOperations),
    };
  },
};
