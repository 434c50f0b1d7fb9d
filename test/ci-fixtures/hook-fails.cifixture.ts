import { beforeAll, describe, it } from "vitest";
describe("a describe whose beforeAll throws", () => {
  beforeAll(() => {
    throw new Error("the set-up failed");
  });
  it("would pass", () => {});
});
it("passes", () => {});
