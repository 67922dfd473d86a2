/** The event's size accounting against the rendered event: the 6 MB cap is checked without building events. */
import { EventSizer, renderEvent, renderRecord, singleRecordEventBytes } from "#local/lambda-service/esm/event";
import { fetched } from "./records";

describe("event rendering (no Kafka)", () => {
  test("the size accounting equals the rendered event's byte length", () => {
    const records = [
      fetched(0, 0, "a"),
      fetched(0, 1, "é€"),
      fetched(1, 0, null, "k"),
      fetched(2, 5, "x".repeat(1000)),
    ];
    const sizer = new EventSizer("h1:9092,h2:9092");
    for (const r of records) {
      const expected = sizer.sizeWith(r);
      sizer.add(r);
      expect(sizer.bytes).toBe(expected);
    }
    const event = renderEvent("h1:9092,h2:9092", records);
    expect(Buffer.byteLength(event)).toBe(sizer.bytes);
    expect(JSON.parse(event)).toEqual({
      eventSource: "SelfManagedKafka",
      bootstrapServers: "h1:9092,h2:9092",
      records: {
        "t-0": [expect.objectContaining({ offset: 0 }), expect.objectContaining({ offset: 1 })],
        "t-1": [expect.not.objectContaining({ value: expect.anything() })],
        "t-2": [expect.objectContaining({ offset: 5 })],
      },
    });
  });
});

describe("a record's JSON, written by hand (no Kafka)", () => {
  test("is AWS's record text byte for byte: field order, base64, signed header bytes, absent key and value", () => {
    const base = {
      topic: "orders-é",
      partition: 2,
      offset: 41,
      timestamp: 1_700_000_000_123,
      timestampType: "LOG_APPEND_TIME" as const,
      key: Buffer.from([0, 1, 2, 255]),
      value: Buffer.from("hi"),
      headers: [
        ['a"b', Buffer.from([0, 127, 128, 255])],
        ['a"b', Buffer.alloc(0)],
      ] as const,
    };
    const expected =
      '{"topic":"orders-é","partition":2,"offset":41,"timestamp":1700000000123,"timestampType":"LOG_APPEND_TIME",' +
      '"key":"AAEC/w==","value":"aGk=","headers":[{"a\\"b":[0,127,-128,-1]},{"a\\"b":[]}]}';
    expect(renderRecord(base)).toEqual({ json: expected, bytes: Buffer.byteLength(expected) });
    expect(renderRecord({ ...base, key: null, value: null, headers: [] }).json).toBe(
      '{"topic":"orders-é","partition":2,"offset":41,"timestamp":1700000000123,"timestampType":"LOG_APPEND_TIME","headers":[]}',
    );
  });

  test("an event of one record is measured without building it", () => {
    const record = fetched(3, 7, "x");
    expect(singleRecordEventBytes("b:9092", record)).toBe(Buffer.byteLength(renderEvent("b:9092", [record])));
  });
});
