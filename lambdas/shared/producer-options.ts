/**
 * How every producer of the product writes to Kafka: idempotent, and acknowledged by all in-sync replicas
 * (`acks: -1`, which kafkajs requires of an idempotent producer and which a send gets unless it says otherwise).
 * On a replicated cluster (three brokers locally with min.insync.replicas=2, or MSK) a record acknowledged this way
 * survives the loss of a broker, and a retried send after a lost acknowledgement is not written twice.
 *
 * kafkajs 2.2.4's rules for an idempotent producer: retries must stay above 0 (it throws otherwise) and are
 * unlimited by default (left so: fewer "may invalidate EoS guarantees"); a send with acks other than -1 is refused;
 * and its sequence numbers are per partition, assigned when a request is sent, so one request in flight per
 * connection (KIP-98's rule, which kafkajs does not enforce by itself) keeps a retry from overtaking the next send.
 */
import type { ProducerConfig } from "kafkajs";

/** The acks of every send: all in-sync replicas. */
export const ACKS_ALL = -1;

/** The options of every kafkajs producer here; extra (e.g. a transactional id) is merged in. */
export function producerOptions(extra: ProducerConfig = {}): ProducerConfig {
  return { allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, ...extra };
}
