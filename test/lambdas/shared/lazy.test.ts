import { lazy } from "#shared/lazy";

describe("lazy", () => {
  test("makes the value once and shares it", async () => {
    let made = 0;
    const value = lazy(async () => ++made);
    expect(value.peek()).toBeUndefined();
    const [a, b] = await Promise.all([value.get(), value.get()]);
    expect([a, b, await value.get(), made]).toEqual([1, 1, 1, 1]);
    await expect(value.peek()).resolves.toBe(1);
  });

  test("forgets a failure, so the next call tries again", async () => {
    let tries = 0;
    const value = lazy(async () => {
      tries++;
      if (tries === 1) throw new Error("first try fails");
      return "ok";
    });
    await expect(value.get()).rejects.toThrow("first try fails");
    expect(value.peek()).toBeUndefined();
    await expect(value.get()).resolves.toBe("ok");
    expect(tries).toBe(2);
  });
});
