import { describe, expect, it } from "vitest";
describe("a describe block", () => {
  it("fails", () => expect(1).toBe(2));
  it("passes", () => expect(1).toBe(1));
});
