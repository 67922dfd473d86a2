/**
 * An in-memory stand-in for DynamoDB's TransactWriteItems, enough for the writes `#tweets/exactly-once` plans:
 * conditional puts (`attribute_not_exists(pk)`) and updates of the form `SET #n = :v, … ADD #n :v, …`, all or
 * nothing, cancelled with AWS's TransactionCanceledException and its CancellationReasons; two operations on one item
 * are refused with a ValidationException, as DynamoDB does.
 */
import { TransactionCanceledException } from "@aws-sdk/client-dynamodb";
import type { TransactWriteCommand } from "@aws-sdk/lib-dynamodb";

type Item = Record<string, unknown>;

export class FakeDynamo {
  readonly tables = new Map<string, Map<string, Item>>();
  /** Transactions sent, successful or not. */
  readonly sent: TransactWriteCommand["input"][] = [];
  /** Fail the next sends with TransactionConflict, this many times. */
  conflicts = 0;
  /** Tables whose every transaction fails with a ValidationException (a record that cannot be written). */
  readonly refused = new Set<string>();

  items(table: string): Item[] {
    return [...(this.tables.get(table)?.values() ?? [])];
  }

  item(table: string, key: Item): Item | undefined {
    return this.tables.get(table)?.get(JSON.stringify(key));
  }

  async send(command: { input: unknown }): Promise<unknown> {
    const input = command.input as TransactWriteCommand["input"];
    this.sent.push(input);
    const items = input.TransactItems ?? [];
    if (items.length > 100) throw new Error("ValidationException: more than 100 items");
    const targets = items.map((entry) =>
      entry.Put
        ? `${entry.Put.TableName} ${JSON.stringify(keyOf(entry.Put.Item as Item))}`
        : `${entry.Update?.TableName} ${JSON.stringify(entry.Update?.Key)}`,
    );
    if (new Set(targets).size < targets.length)
      throw validation("Transaction request cannot include multiple operations on one item");
    if (items.some((entry) => this.refused.has((entry.Put?.TableName ?? entry.Update?.TableName) as string)))
      throw validation("One or more parameter values were invalid");
    if (this.conflicts > 0) {
      this.conflicts--;
      throw cancelled(items.map((_, i) => (i === 0 ? "TransactionConflict" : "None")));
    }
    const staged = new Map<string, Map<string, Item>>();
    const table = (name: string) => {
      let t = staged.get(name);
      if (!t) {
        t = new Map([...(this.tables.get(name) ?? new Map()).entries()].map(([k, v]) => [k, { ...v }]));
        staged.set(name, t);
      }
      return t;
    };
    const reasons: string[] = [];
    for (const entry of items) {
      if (entry.Put) {
        const { TableName, Item: item, ConditionExpression } = entry.Put;
        const t = table(TableName as string);
        const key = JSON.stringify(keyOf(item as Item));
        if (ConditionExpression === "attribute_not_exists(pk)" && t.has(key)) reasons.push("ConditionalCheckFailed");
        else {
          t.set(key, { ...(item as Item) });
          reasons.push("None");
        }
      } else if (entry.Update) {
        const u = entry.Update;
        const t = table(u.TableName as string);
        const key = JSON.stringify(u.Key);
        const current: Item = { ...(u.Key as Item), ...(t.get(key) ?? {}) };
        applyExpression(
          current,
          u.UpdateExpression ?? "",
          u.ExpressionAttributeNames ?? {},
          u.ExpressionAttributeValues ?? {},
        );
        t.set(key, current);
        reasons.push("None");
      } else throw new Error("unsupported transaction item");
    }
    if (reasons.some((r) => r !== "None")) throw cancelled(reasons);
    for (const [name, t] of staged) this.tables.set(name, t);
    return {};
  }
}

function keyOf(item: Item): Item {
  return "userId" in item && !("pk" in item) ? { userId: item.userId } : { pk: item.pk, sk: item.sk };
}

function applyExpression(
  item: Item,
  expression: string,
  names: Record<string, string>,
  values: Record<string, unknown>,
) {
  const set = /SET (.*?)(?= ADD |$)/.exec(expression)?.[1];
  const add = /ADD (.*)$/.exec(expression)?.[1];
  for (const clause of set?.split(", ") ?? []) {
    const [name, value] = clause.split(" = ") as [string, string];
    item[names[name] as string] = values[value];
  }
  for (const clause of add?.split(", ") ?? []) {
    const [name, value] = clause.split(" ") as [string, string];
    const attr = names[name] as string;
    item[attr] = ((item[attr] as number | undefined) ?? 0) + (values[value] as number);
  }
}

function validation(message: string): Error {
  return Object.assign(new Error(message), { name: "ValidationException" });
}

function cancelled(codes: string[]): TransactionCanceledException {
  return new TransactionCanceledException({
    message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${codes.join(", ")}]`,
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });
}
