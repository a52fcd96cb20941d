/**
 * API keys against guessing: keys shorter than 16 characters are refused at start
 * (options, STINT_API_KEYS, the CLI's config check alike), and failed authentications
 * are reported without the key and throttled per client address (429 + Retry-After for
 * that address only, in a table of bounded size).
 */
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";
import { isStintError, type StintError } from "../../src/domain/errors.js";
import { startGraphQLServer } from "../../src/graphql/server.js";
import { AuthThrottle, AUTH_THROTTLE_DEFAULTS, clientKey } from "../../src/graphql/auth-throttle.js";
import type { AuthFailureEvent } from "../../src/graphql/options.js";
import { checkServerSettings } from "../../src/cli/server-settings.js";
import type { ResolvedCliOptions } from "../../src/cli/options.js";
import { emptyService, withBareServer } from "./bare-server.js";

const GOOD_KEY = "good-key-0123456789abcdef";
const WRONG_KEY = "wrong-key-0123456789abcdef";
const QUERY = JSON.stringify({ query: "{ backgroundTasks { listDefinitions { data { id } error { code } } } }" });

function isShortKeyError(error: unknown): boolean {
  const message = (error as StintError).message;
  return isStintError(error, "INVALID_ARGUMENT") && /at least 16/.test(message) && !message.includes("short-key");
}

/** One POST from a chosen local address (Linux routes all of 127.0.0.0/8 to loopback). */
function post(url: string, from: string, authorization?: string): Promise<{ status: number; headers: Record<string, unknown>; body: any }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
    if (authorization !== undefined) headers.authorization = authorization;
    const req = request(url, { method: "POST", headers, localAddress: from, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString()) }));
    });
    req.on("error", reject);
    req.end(QUERY);
  });
}

describe("API key length", () => {
  it("refuses a key shorter than 16 characters from options and from STINT_API_KEYS, without echoing it", async () => {
    const start = (options: object) => startGraphQLServer({ service: emptyService(), ping: async () => {}, port: 0, env: {}, ...options });
    await assert.rejects(start({ apiKeys: [{ key: "short-key", permissions: "r" }] }), isShortKeyError);
    await assert.rejects(start({ apiKeys: [{ key: `  ${"x".repeat(15)}  `, permissions: "r" }] }), isShortKeyError);
    await assert.rejects(start({ env: { STINT_API_KEYS: `${GOOD_KEY}:rwd,short-key:r` } }), (error: unknown) => {
      assert.ok(isShortKeyError(error));
      assert.match((error as StintError).message, /STINT_API_KEYS #2/);
      return true;
    });
    // 16 characters is enough.
    await withBareServer({ apiKeys: [{ key: "x".repeat(16), permissions: "r" }] }, async () => {});
  });

  it("refuses it in the CLI's check of a config, before any store is opened", () => {
    const options = { server: { host: "127.0.0.1", apiKeys: [{ key: "short-key", permissions: "rwd" }] }, sources: { host: "host" } } as unknown as ResolvedCliOptions;
    assert.throws(() => checkServerSettings(options, {}), isShortKeyError);
    assert.throws(() => checkServerSettings({ ...options, server: { host: "127.0.0.1" } } as unknown as ResolvedCliOptions, { STINT_API_KEYS: "short-key:r" }), isShortKeyError);
    assert.doesNotThrow(() => checkServerSettings({ ...options, server: { host: "127.0.0.1", apiKeys: [{ key: GOOD_KEY, permissions: "r" }] } } as unknown as ResolvedCliOptions, {}));
  });
});

describe("failed authentications", () => {
  it("are reported without the key, and an address over the limit gets 429 until its window ends", async () => {
    const events: AuthFailureEvent[] = [];
    await withBareServer({ apiKeys: [{ key: GOOD_KEY, permissions: "r" }], onAuthFailure: (event) => events.push(event) }, async (server) => {
      // No Authorization header is no failed authentication: refused in the envelope, not counted.
      for (let i = 0; i < 15; i++) {
        const anonymous = await post(server.url, "127.0.0.1");
        assert.equal(anonymous.body.data.backgroundTasks.listDefinitions.error.code, "SECURITY_NOT_AUTHORIZED");
      }
      assert.equal(events.length, 0);

      const max = AUTH_THROTTLE_DEFAULTS.maxFailures;
      for (let i = 1; i <= max; i++) {
        const answer = await post(server.url, "127.0.0.1", i % 2 ? `Bearer ${WRONG_KEY}` : `Basic ${WRONG_KEY}`);
        assert.equal(answer.status, 200, `failure ${i} is answered as usual`);
        assert.equal(answer.body.data.backgroundTasks.listDefinitions.error.code, "SECURITY_NOT_AUTHORIZED");
      }
      assert.equal(events.length, max);
      assert.deepEqual(events[0], { address: "127.0.0.1", reason: "unknown key", failures: 1, blocked: false });
      assert.deepEqual(events[1], { address: "127.0.0.1", reason: "not a Bearer token", failures: 2, blocked: false });
      assert.equal(events[max - 1].blocked, true);
      const logged = JSON.stringify(events);
      assert.ok(!logged.includes(WRONG_KEY.slice(0, 4)), "no part of the key is reported");

      // Over the limit: refused before anything else, even with the right key.
      const blocked = await post(server.url, "127.0.0.1", `Bearer ${GOOD_KEY}`);
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.errors[0].extensions.code, "TOO_MANY_REQUESTS");
      const retryAfter = Number(blocked.headers["retry-after"]);
      assert.ok(retryAfter >= 1 && retryAfter <= AUTH_THROTTLE_DEFAULTS.windowMs / 1000, `Retry-After ${retryAfter}`);
      assert.equal(events.length, max, "a refused request is not counted again");

      // Another address is not affected.
      const other = await post(server.url, "127.0.0.2", `Bearer ${GOOD_KEY}`);
      assert.equal(other.status, 200);
      assert.deepEqual(other.body.data.backgroundTasks.listDefinitions, { data: [], error: null });
    });
  });

  it("are counted per window, in a table that never grows past its bound", () => {
    let now = 0;
    const throttle = new AuthThrottle({ maxFailures: 3, windowMs: 10_000, maxClients: 100 }, () => now);
    for (let i = 0; i < 3; i++) throttle.recordFailure("10.0.0.1");
    assert.equal(throttle.retryAfterSeconds("10.0.0.1"), 10);
    assert.equal(throttle.retryAfterSeconds("10.0.0.2"), 0);
    now = 7_500;
    assert.equal(throttle.retryAfterSeconds("10.0.0.1"), 3);
    now = 10_000;
    assert.equal(throttle.retryAfterSeconds("10.0.0.1"), 0, "the window has ended");
    assert.equal(throttle.recordFailure("10.0.0.1"), 1, "a new window starts");

    for (let i = 0; i < 1000; i++) throttle.recordFailure(`198.51.${Math.floor(i / 250)}.${i % 250}`);
    assert.equal(throttle.size, 100);
    // The newest addresses are the ones kept.
    assert.equal(throttle.recordFailure("198.51.3.249"), 2);
    assert.equal(throttle.recordFailure("198.51.0.0"), 1, "the oldest were forgotten");
  });

  it("counts IPv6 clients per /64 and IPv4-mapped addresses as IPv4", () => {
    assert.equal(clientKey("::ffff:203.0.113.9"), "203.0.113.9");
    assert.equal(clientKey("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    assert.equal(clientKey("2001:0db8:0001:0002:bbbb:cccc:dddd:eeee"), "2001:db8:1:2::/64");
    assert.equal(clientKey("2001:db8::1"), "2001:db8:0:0::/64");
    assert.equal(clientKey("fe80::1%eth0"), "fe80:0:0:0::/64");
    assert.equal(clientKey("::1"), "0:0:0:0::/64");
    assert.equal(clientKey("203.0.113.9"), "203.0.113.9");
    const throttle = new AuthThrottle({ maxFailures: 2, windowMs: 60_000, maxClients: 10 });
    throttle.recordFailure("2001:db8:1:2::1");
    throttle.recordFailure("2001:db8:1:2::2");
    assert.ok(throttle.retryAfterSeconds("2001:db8:1:2:ffff::3") > 0);
    assert.equal(throttle.retryAfterSeconds("2001:db8:1:3::1"), 0);
  });
});
