// The lead's screens load per-document figures a few at a time; a screen that
// closes or changes its question stops the rest from being asked for.
import { test } from "node:test";
import assert from "node:assert/strict";

import { eachLimited, StoppedError } from "../../../client/web/src/lead/load";

const later = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("eachLimited runs every item, at most limit at a time, answers in order", async () => {
  let running = 0;
  let most = 0;
  const answers = await eachLimited([1, 2, 3, 4, 5, 6, 7], 2, async (n) => {
    most = Math.max(most, ++running);
    await later(5);
    running--;
    return n * 10;
  });
  assert.deepEqual(answers, [10, 20, 30, 40, 50, 60, 70]);
  assert.equal(most, 2);
});

test("eachLimited starts nothing more once stopped and rejects with StoppedError", async () => {
  const started: number[] = [];
  let stopped = false;
  const work = eachLimited(Array.from({ length: 40 }, (_, i) => i), 2, async (n) => {
    started.push(n);
    await later(5);
    return n;
  }, () => stopped);
  await later(12); // two rounds of two have started
  stopped = true;
  await assert.rejects(work, StoppedError);
  assert.ok(started.length <= 6, `started ${started.length} of 40`);
  const count = started.length;
  await later(20);
  assert.equal(started.length, count);
});
