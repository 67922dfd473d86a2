/**
 * A production synthesis refuses cdk.json's loopback placeholder brokers and needs the hourly pipeline's CSV
 * URL, so every test that synthesizes the production app passes real-looking values: these.
 */
export const PRODUCTION_BROKERS = "b1.kafka.example.com:9092,b2.kafka.example.com:9092";
export const PRODUCTION_CONTEXT = {
  "sluice:kafkaBootstrapServers": PRODUCTION_BROKERS,
  "sluice:hourlySourceUrl": "https://data.example.com/hourly/{hour}.csv",
} as const;
