// DescribeCluster (key 60): the cluster id, the controller and the brokers, as admin clients (Java's
// describeCluster, kafka-cluster.sh) ask for them. One node is both broker and controller.
import { ERRORS } from '../../protocol/errors.ts';
import { API_KEYS } from '../../protocol/schema/messages.generated.ts';
import type { ApiDefinition } from './api.ts';
import { AUTHORIZED_OPERATIONS_OMITTED } from './metadata.ts';

const ENDPOINT_TYPE = { BROKER: 1, CONTROLLER: 2 } as const;

export const describeClusterApi: ApiDefinition = {
  key: API_KEYS.DescribeCluster,
  minVersion: 0,
  maxVersion: 1,
  handle(body, ctx) {
    const { broker } = ctx;
    const endpointType = ctx.header.apiVersion >= 1 ? (body.endpointType as number) : ENDPOINT_TYPE.BROKER;
    const base = {
      throttleTimeMs: 0,
      endpointType,
      clusterId: broker.clusterId,
      controllerId: broker.nodeId,
      clusterAuthorizedOperations: AUTHORIZED_OPERATIONS_OMITTED,
    };
    if (endpointType !== ENDPOINT_TYPE.BROKER) {
      // Kafka answers controller endpoints only on a controller listener, which this broker does not have.
      return {
        ...base,
        errorCode: ERRORS.UNSUPPORTED_ENDPOINT_TYPE.code,
        errorMessage: `Endpoint type ${endpointType} is not served on this listener: ask for broker endpoints (1)`,
        brokers: [],
      };
    }
    const { host, port } = broker.advertisedFor(ctx.connection.listenerName);
    return {
      ...base,
      errorCode: 0,
      errorMessage: null,
      brokers: [{ brokerId: broker.nodeId, host, port, rack: null }],
    };
  },
};
