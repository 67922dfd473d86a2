/** The event's size accounting against the rendered event: the 6 MB cap is checked without building events. */
import { EventSizer, renderEvent } from "#local/lambda-service/esm/event";
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
