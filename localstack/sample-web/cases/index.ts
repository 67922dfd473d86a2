/**
 * Every kind of case, in the order they are spread over a block's people. The order is part of the
 * sample: it fixes who gets which case and in which order their random streams are drawn, so the
 * same seed keeps giving the same bytes.
 */
import type { CaseKind } from "../builder";
import { MALICIOUS_CASES } from "./clean-malicious";
import { EDGE_CASES, USELESS_CASES } from "./clean-useless";
import { NEAR_DUPLICATE_CASES } from "./near-duplicates";
import { STORE_CASES } from "./store";
import { VALIDATE_CASES } from "./validate";

export const CASES: readonly CaseKind[] = [
  ...VALIDATE_CASES,
  ...STORE_CASES,
  ...MALICIOUS_CASES,
  ...USELESS_CASES,
  ...NEAR_DUPLICATE_CASES,
  ...EDGE_CASES,
];
