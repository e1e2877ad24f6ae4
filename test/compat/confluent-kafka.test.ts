// confluent-kafka (Debian's python3-confluent-kafka, librdkafka) against the compat target, through
// python/confluent_kafka_client.py.
import { definePythonClientTests } from '../support/python-clients.ts';

definePythonClientTests({
  name: 'confluent-kafka',
  script: 'confluent_kafka_client.py',
  modules: ['confluent_kafka'],
});
