// kafka-python (Debian's python3-kafka) against the compat target, through python/kafka_python_client.py.
import { definePythonClientTests } from '../support/python-clients.ts';

definePythonClientTests({
  name: 'kafka-python',
  script: 'kafka_python_client.py',
  // Its gzip is built in; snappy, lz4 and zstd need these modules (python3-snappy, -lz4, -zstandard).
  modules: ['kafka', 'snappy', 'lz4', 'zstandard'],
  // KafkaProducer.send asserts "Need at least one: key or value".
  needsKeyOrValue: true,
});
