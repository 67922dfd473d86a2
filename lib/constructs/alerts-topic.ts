import { Validations } from "aws-cdk-lib";
import { Topic } from "aws-cdk-lib/aws-sns";
import { EmailSubscription } from "aws-cdk-lib/aws-sns-subscriptions";
import { Construct } from "constructs";

export interface AlertsTopicProps {
  /** An address that receives every alarm notification (SNS asks it to confirm first). @default - no email */
  readonly email?: string;
}

/**
 * The SNS topic every alarm of the deployment notifies, on ALARM and back to OK: one per deployment, so that a
 * pipeline added later alarms into the same place and a subscriber (email, chat, a queue) subscribes once.
 */
export class AlertsTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: AlertsTopicProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, "Topic", { displayName: "sluice alerts", enforceSSL: true });
    // CloudWatch can publish to an encrypted topic only through a customer managed key whose policy lets it use the
    // key; alarm notifications carry alarm names and thresholds, no data.
    Validations.of(this.topic).acknowledge({
      id: "AwsSolutions-SNS2",
      reason: "Alarm notifications hold no data; CloudWatch cannot publish with the AWS managed SNS key.",
    });
    if (props.email !== undefined) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}
