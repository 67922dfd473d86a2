/**
 * The Transactions page's API: accounts and balances, one account's transactions (paged) and balance history, and
 * the form's transaction — validated here as in the page, sent through the one producer (`#bank/producer`), and
 * followed by its id until the stage records the outcome.
 */
import { GetCommand, paginateQuery, QueryCommand } from "@aws-sdk/lib-dynamodb";
import { z } from "zod";
import { ACCOUNT_ID, TRANSACTION_ID, TRANSACTION_TYPES } from "#bank/contracts";
import { accountKey, type MarkerItem, markerKey } from "#bank/ledger";
import { parseAmount } from "#bank/money";
import { publish, transactionMessage } from "#bank/producer";
import { scanAll } from "#shared/scan";
import type {
  AccountsResponse,
  AccountView,
  BalanceHistoryResponse,
  OutcomeView,
  SentTransaction,
  TransactionsPage,
  TransactionView,
} from "../contract";
import { accountView, balanceHistory, outcomeView, transactionView } from "../domain/bank";
import { decodeCursor, encodeCursor } from "../server/cursor";
import { type DashboardDeps, source } from "../server/deps";
import { HttpError } from "../server/http";
import { defineRoute, type Route } from "../server/router";

const AccountParams = z.object({
  account: z.string().regex(ACCOUNT_ID, "an account id: letters, digits, . _ -, at most 64"),
});

/** What the form sends; the amount is judged by the bank's own rule (`#bank/money`), as in the page. */
export const TransactionForm = z.strictObject({
  account: AccountParams.shape.account,
  amount: z
    .string()
    .max(64)
    .superRefine((text, ctx) => {
      const parsed = parseAmount(text);
      if (!parsed.ok) ctx.addIssue({ code: "custom", message: `${parsed.reason}: ${parsed.detail}` });
    }),
  type: z.enum(TRANSACTION_TYPES, { error: "deposit or withdrawal" }),
});
export type TransactionFormInput = z.infer<typeof TransactionForm>;

async function readAccountItem(deps: DashboardDeps, account: string): Promise<AccountView> {
  const { Item } = await deps
    .dynamo()
    .send(new GetCommand({ TableName: source(deps, "BANK_TABLE"), Key: accountKey(account), ConsistentRead: true }));
  if (Item === undefined) throw new HttpError(404, "unknown-account", `no account ${account}`);
  return accountView(Item);
}

async function allTransactions(deps: DashboardDeps, account: string): Promise<TransactionView[]> {
  const items: TransactionView[] = [];
  const pages = paginateQuery(
    { client: deps.dynamo() },
    {
      TableName: source(deps, "BANK_TABLE"),
      KeyConditionExpression: "pk = :pk AND begins_with(sk, :tx)",
      ExpressionAttributeValues: { ":pk": accountKey(account).pk, ":tx": "TX#" },
    },
  );
  for await (const page of pages) items.push(...(page.Items ?? []).map(transactionView));
  return items;
}

export const bankRoutes: Route<DashboardDeps>[] = [
  defineRoute<DashboardDeps>({
    method: "GET",
    path: "/api/bank/accounts",
    async handle({ deps }): Promise<AccountsResponse> {
      const items = await scanAll(deps.dynamo(), source(deps, "BANK_TABLE"), {
        FilterExpression: "sk = :account",
        ExpressionAttributeValues: { ":account": "ACCOUNT" },
      });
      return { accounts: items.map(accountView).sort((a, b) => a.account.localeCompare(b.account)) };
    },
  }),
  defineRoute<DashboardDeps, typeof AccountParams>({
    method: "GET",
    path: "/api/bank/accounts/:account",
    params: AccountParams,
    handle: async ({ params, deps }): Promise<AccountView> => readAccountItem(deps, params.account),
  }),
  defineRoute<
    DashboardDeps,
    typeof AccountParams,
    z.ZodObject<{ limit: z.ZodDefault<z.ZodCoercedNumber>; cursor: z.ZodOptional<z.ZodString> }>
  >({
    method: "GET",
    path: "/api/bank/accounts/:account/transactions",
    params: AccountParams,
    query: z.object({
      limit: z.coerce.number().int().min(1).max(100).default(25),
      cursor: z.string().max(2048).optional(),
    }),
    async handle({ params, query, deps }): Promise<TransactionsPage> {
      const pk = accountKey(params.account).pk;
      const start = decodeCursor(query.cursor, (k) => k.pk === pk && k.sk?.startsWith("TX#") === true);
      const { Items = [], LastEvaluatedKey } = await deps.dynamo().send(
        new QueryCommand({
          TableName: source(deps, "BANK_TABLE"),
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :tx)",
          ExpressionAttributeValues: { ":pk": pk, ":tx": "TX#" },
          Limit: query.limit,
          ExclusiveStartKey: start,
        }),
      );
      return { account: params.account, items: Items.map(transactionView), next: encodeCursor(LastEvaluatedKey) };
    },
  }),
  defineRoute<DashboardDeps, typeof AccountParams>({
    method: "GET",
    path: "/api/bank/accounts/:account/balance-history",
    params: AccountParams,
    async handle({ params, deps }): Promise<BalanceHistoryResponse> {
      const [account, transactions] = await Promise.all([
        readAccountItem(deps, params.account),
        allTransactions(deps, params.account),
      ]);
      return { account: account.account, balance: account.balance, points: balanceHistory(transactions) };
    },
  }),
  defineRoute<DashboardDeps, z.ZodObject, z.ZodObject, typeof TransactionForm>({
    method: "POST",
    path: "/api/bank/transactions",
    writes: true,
    status: 202,
    body: TransactionForm,
    async handle({ body, deps }): Promise<SentTransaction> {
      const topic = deps.settings.TRANSACTIONS_TOPIC;
      if (deps.producer === undefined || topic === undefined) {
        throw new HttpError(
          503,
          "source-not-configured",
          "this dashboard has no Kafka producer: its stack does not pass one",
        );
      }
      const message = transactionMessage({ ...body, source: "dashboard" }, deps.now);
      let producer: Awaited<ReturnType<NonNullable<DashboardDeps["producer"]>>>;
      try {
        producer = await deps.producer();
      } catch (error) {
        throw new HttpError(
          503,
          "kafka-unavailable",
          "cannot connect to Kafka: the transaction was not sent",
          undefined,
          {
            cause: error,
          },
        );
      }
      const [meta] = await publish(producer, topic, [message]);
      if (meta === undefined) throw new Error(`${topic} did not acknowledge transaction ${message.transactionId}`);
      return {
        transactionId: message.transactionId,
        account: message.account,
        topic: meta.topicName,
        partition: meta.partition,
        offset: meta.baseOffset ?? meta.offset ?? "",
      };
    },
  }),
  defineRoute<DashboardDeps, z.ZodObject<{ transactionId: z.ZodString }>>({
    method: "GET",
    path: "/api/bank/transactions/:transactionId",
    params: z.object({ transactionId: z.string().regex(TRANSACTION_ID, "a transaction id") }),
    async handle({ params, deps }): Promise<OutcomeView> {
      const { Item } = await deps.dynamo().send(
        new GetCommand({
          TableName: source(deps, "BANK_TABLE"),
          Key: markerKey(params.transactionId),
          ConsistentRead: true,
        }),
      );
      return outcomeView(params.transactionId, Item as MarkerItem | undefined);
    },
  }),
];
