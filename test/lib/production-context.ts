/**
 * A production synthesis refuses cdk.json's loopback placeholder brokers, so every test that synthesizes the
 * production app passes a real-looking broker list: this one.
 */
export const PRODUCTION_BROKERS = "b1.kafka.example.com:9092,b2.kafka.example.com:9092";
export const PRODUCTION_CONTEXT = { "sluice:kafkaBootstrapServers": PRODUCTION_BROKERS } as const;
