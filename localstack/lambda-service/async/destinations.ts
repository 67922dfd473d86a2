/**
 * Delivers an asynchronous invocation's record to its destination (SQS, SNS, S3, another function, an
 * EventBridge bus) and a discarded event to the function's dead-letter queue, as Lambda does. The SQS and S3
 * ARN handling is the Kafka on-failure sink's (esm/destinations.ts), so both read ARNs the same way.
 *
 * AWS's shapes (Lambda developer guide, "Capturing records of Lambda asynchronous invocations"):
 *  - SQS, SNS: the record as the message body. Lambda: the record as the event of an asynchronous
 *    invocation. EventBridge: PutEvents with source "lambda", detail-type
 *    "Lambda Function Invocation Result - Success" / "… - Failure", the record as detail, and the
 *    function's ARN in resources.
 *  - S3 (on failure only): one object per record. The key is our choice (AWS's page does not spell it out):
 *    `aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<random UUID>`, the shape AWS documents
 *    for stream sources with the function in place of the mapping.
 *  - SNS takes at most 256 KB: a larger record goes without requestPayload and responsePayload (AWS: "Lambda
 *    will drop the payload"; which fields exactly is not spelled out).
 *  - Dead-letter queue (SQS or SNS): the event itself, with RequestID, ErrorCode and ErrorMessage attributes.
 */
import { randomUUID } from "node:crypto";
import { PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { PublishCommand, type SNSClient } from "@aws-sdk/client-sns";
import { SendMessageCommand, type SQSClient } from "@aws-sdk/client-sqs";
import { bucketOf, queueUrlResolver } from "../esm/destinations";
import type { DestinationSpec } from "./invoke-config";
import type { DeadLetterAttributes, InvocationRecord } from "./record";

export interface DestinationClients {
  readonly sqs: SQSClient;
  readonly sns: SNSClient;
  readonly s3: S3Client;
  /** Sends PutEvents to EventBridge (LocalStack): the JSON body of the call. */
  readonly putEvents: (body: unknown) => Promise<void>;
  /** Queues an asynchronous invocation of one of this service's functions. */
  readonly invokeAsync: (functionName: string, payload: string) => Promise<void>;
}

/** `aws/lambda/async/<function>/YYYY/MM/DD/YYYY-MM-DDTHH.MM.SS-<uuid>` */
export function s3RecordKey(functionName: string, nowMs: number, uuid: string = randomUUID()): string {
  const stamp = new Date(nowMs).toISOString();
  const day = stamp.slice(0, 10);
  return `aws/lambda/async/${functionName}/${day.replace(/-/g, "/")}/${day}T${stamp.slice(11, 19).replace(/:/g, ".")}-${uuid}`;
}

/** The function name of arn:aws:lambda:region:account:function:name[:qualifier]. */
function functionOf(arn: string): string {
  const name = /^arn:[^:]+:lambda:[^:]*:\d*:function:([^:]+)(?::[^:]+)?$/.exec(arn)?.[1];
  if (name === undefined) throw new Error(`destination ${arn} is not a Lambda function ARN`);
  return name;
}

/** The PutEvents request that carries a record to an EventBridge bus. */
export function putEventsBody(busArn: string, record: InvocationRecord) {
  const success = record.requestContext.condition === "Success";
  return {
    Entries: [
      {
        EventBusName: busArn,
        Source: "lambda",
        DetailType: `Lambda Function Invocation Result - ${success ? "Success" : "Failure"}`,
        Detail: JSON.stringify(record),
        // AWS: "the resource event field contains the function and destination ARNs".
        Resources: [record.requestContext.functionArn, busArn],
      },
    ],
  };
}

/** SNS's message size limit. */
export const SNS_MAX_MESSAGE_BYTES = 256 * 1024;

/** The record as an SNS message: without its payloads when it would not fit. */
export function withinSnsLimit(record: InvocationRecord): string {
  const body = JSON.stringify(record);
  if (Buffer.byteLength(body) <= SNS_MAX_MESSAGE_BYTES) return body;
  const { requestPayload: _request, responsePayload: _response, ...rest } = record;
  return JSON.stringify(rest);
}

export class DestinationDelivery {
  private readonly queueUrls = new Map<string, () => Promise<string>>();

  constructor(private readonly clients: DestinationClients) {}

  private queueUrl(arn: string): Promise<string> {
    let resolver = this.queueUrls.get(arn);
    if (resolver === undefined) {
      resolver = queueUrlResolver(this.clients.sqs, arn);
      this.queueUrls.set(arn, resolver);
    }
    return resolver();
  }

  /** Sends the record; rejects, naming the destination, when it did not take it. */
  async deliver(destination: DestinationSpec, record: InvocationRecord, functionName: string): Promise<void> {
    const body = JSON.stringify(record);
    try {
      switch (destination.kind) {
        case "sqs":
          await this.clients.sqs.send(
            new SendMessageCommand({ QueueUrl: await this.queueUrl(destination.arn), MessageBody: body }),
          );
          return;
        case "sns":
          await this.clients.sns.send(
            new PublishCommand({ TopicArn: destination.arn, Message: withinSnsLimit(record) }),
          );
          return;
        case "s3":
          await this.clients.s3.send(
            new PutObjectCommand({
              Bucket: bucketOf(destination.arn),
              Key: s3RecordKey(functionName, Date.parse(record.timestamp)),
              Body: body,
              ContentType: "application/json",
            }),
          );
          return;
        case "lambda":
          await this.clients.invokeAsync(functionOf(destination.arn), body);
          return;
        case "events":
          await this.clients.putEvents(putEventsBody(destination.arn, record));
          return;
        default: {
          const kind: never = destination.kind;
          throw new Error(`unknown destination kind ${String(kind)}`);
        }
      }
    } catch (error) {
      throw new Error(`cannot deliver the invocation record to ${destination.arn}`, { cause: error });
    }
  }

  /** Sends a discarded event to the function's dead-letter queue or topic (DeadLetterConfig.TargetArn). */
  async deadLetter(targetArn: string, payload: string, attributes: DeadLetterAttributes): Promise<void> {
    try {
      if (targetArn.startsWith("arn:aws:sqs:")) {
        await this.clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: await this.queueUrl(targetArn),
            MessageBody: payload,
            MessageAttributes: { ...attributes },
          }),
        );
      } else if (targetArn.startsWith("arn:aws:sns:")) {
        await this.clients.sns.send(
          new PublishCommand({ TopicArn: targetArn, Message: payload, MessageAttributes: { ...attributes } }),
        );
      } else throw new Error("a dead-letter target must be an SQS queue or an SNS topic");
    } catch (error) {
      throw new Error(`cannot send the discarded event to the dead-letter target ${targetArn}`, { cause: error });
    }
  }
}

/**
 * PutEvents against EventBridge at endpoint (LocalStack), as the JSON protocol call the SDK would make (the
 * project has no EventBridge client); rejects unless every entry was accepted.
 */
export function eventBridgePutEvents(endpoint: string, region: string): (body: unknown) => Promise<void> {
  return async (body) => {
    const day = new Date().toISOString().slice(0, 10).replace(/-/g, "");
    const res = await fetch(endpoint, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "AWSEvents.PutEvents",
        Authorization: `AWS4-HMAC-SHA256 Credential=test/${day}/${region}/events/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`EventBridge PutEvents answered HTTP ${res.status}: ${text.slice(0, 500)}`);
    const failed = (JSON.parse(text) as { FailedEntryCount?: number }).FailedEntryCount ?? 0;
    if (failed > 0) throw new Error(`EventBridge PutEvents refused the record: ${text.slice(0, 500)}`);
  };
}
