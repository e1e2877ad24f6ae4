// ConsumerGroupDescribe (key 69): the state, epochs, assignor and members of KIP-848 consumer groups.
import type {
  ConsumerGroupDescribeRequest,
  ConsumerGroupDescribeResponse,
} from '../../protocol/schema/messages.generated.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';

export const consumerGroupDescribeApi: ApiDefinition = {
  key: API_KEYS.ConsumerGroupDescribe,
  minVersion: 0,
  maxVersion: 0,
  handle(body, ctx): ConsumerGroupDescribeResponse {
    const request = body as ConsumerGroupDescribeRequest;
    return {
      throttleTimeMs: 0,
      groups: ctx.broker.consumerGroups.describe(request.groupIds, request.includeAuthorizedOperations),
    };
  },
};
