import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// redis-server traced with redis-cli and redis-py (pipelining, RESP3, pub/sub) as clients.
extension RootIntegrationTests {
@Suite struct CollectorRedisTests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    static func startRedis() throws -> (Child, Int) {
        let port = Servers.freePort()
        let dir = Servers.tempDir("redis")
        let server = try Child("/usr/bin/redis-server", [
            "--port", "\(port)", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.path,
            "--daemonize", "no", "--protected-mode", "no",
        ])
        try #require(Servers.waitForPort(port), "redis-server did not start: \(server.errorOutput)")
        return (server, port)
    }

    @Test func redisCliCommandsAndErrors() throws {
        let (server, port) = try Self.startRedis()
        defer { server.stop(signal: SIGTERM) }
        let cli = "/usr/bin/redis-cli"
        let set = try Servers.run(cli, ["-p", "\(port)", "SET", "greeting", "hello world"])
        #expect(set.out.contains("OK"))
        let get = try Servers.run(cli, ["-p", "\(port)", "GET", "greeting"])
        let bad = try Servers.run(cli, ["-p", "\(port)", "INCR", "greeting"])
        #expect(bad.out.contains("not an integer"))

        let s = ProtocolRow.wait(store, "redis_events", pid: get.pid, count: 1) { $0["req_cmd"] == "GET" }
        let all = Rows.all(store, "redis_events").map { ProtocolRow($0) }
        let row = try #require(s.first, "rows: \(all)")
        #expect(row["req_args"] == #"["greeting"]"#)
        #expect(row["resp"] == "hello world")
        #expect(row.role == 1)
        #expect(row["remote_addr"] == "127.0.0.1" && row.int("remote_port") == Int64(port))
        #expect(row.latency > 0)

        let e = try #require(ProtocolRow.wait(store, "redis_events", pid: bad.pid, count: 1) { $0["req_cmd"] == "INCR" }.first)
        #expect(e["resp"] == "ERR value is not an integer or out of range")

        // The server sees the same commands (role 2), SET included.
        let srv = ProtocolRow.wait(store, "redis_events", pid: server.pid, count: 3) { ["SET", "GET", "INCR"].contains($0["req_cmd"]) }
        #expect(srv.contains { $0["req_cmd"] == "SET" && $0["req_args"] == #"["greeting","hello world"]"# && $0["resp"] == "OK" && $0.role == 2 })
        #expect(srv.contains { $0["req_cmd"] == "INCR" && $0["resp"].hasPrefix("ERR value is not an integer") })
    }

    static let client = #"""
import json, sys, threading, time, redis
port = int(sys.argv[1])
out = {}
r = redis.Redis(host="127.0.0.1", port=port)
# 100 pipelined commands in one write, replies matched in order.
p = r.pipeline(transaction=False)
for i in range(100):
    p.set("key:%d" % i, "value-%d" % i)
    p.get("key:%d" % i)
p.incr("key:0")          # an error in the middle of the pipeline
p.lpush("list", "a", "b", "c")
p.lrange("list", 0, -1)
res = p.execute(raise_on_error=False)
out["pipelined"] = len(res)
# RESP3 on its own connection: HELLO 3, a map reply, a push for pub/sub.
r3 = redis.Redis(host="127.0.0.1", port=port, protocol=3)
r3.hset("h", mapping={"f1": "v1", "f2": "v2"})
out["hgetall"] = {k.decode(): v.decode() for k, v in r3.hgetall("h").items()}
# Pub/sub (RESP2): subscribe, receive one message published from another connection.
ps = r.pubsub()
ps.subscribe("news")
ps.get_message(timeout=2)
r.publish("news", "breaking")
m = None
for _ in range(50):
    m = ps.get_message(timeout=0.2)
    if m and m["type"] == "message": break
out["message"] = m["data"].decode() if m else None
ps.unsubscribe("news")
ps.get_message(timeout=2)
ps.close()
# Pub/sub over RESP3: the message arrives as a push.
ps3 = r3.pubsub()
ps3.subscribe("alerts")
ps3.get_message(timeout=2)
r.publish("alerts", "fire")
for _ in range(50):
    m = ps3.get_message(timeout=0.2)
    if m and m["type"] == "message": break
out["push"] = m["data"].decode() if m else None
ps3.close()
print(json.dumps(out))
"""#

    @Test func redisPyPipelineResp3AndPubSub() throws {
        let (server, port) = try Self.startRedis()
        defer { server.stop(signal: SIGTERM) }
        let (out, raw, pid) = try Servers.python(Self.client, ["\(port)"])
        #expect(out["pipelined"] as? Int == 203, "\(raw)")
        #expect(out["message"] as? String == "breaking")
        #expect(out["push"] as? String == "fire")

        let rows = ProtocolRow.wait(store, "redis_events", pid: pid, count: 211)
        // The pipeline: 100 SET/GET pairs whose replies land on the right commands.
        let gets = rows.filter { $0["req_cmd"] == "GET" }
        #expect(gets.count == 100)
        for g in gets {
            let key = g["req_args"].dropFirst(2).dropLast(2)   // ["key:N"]
            #expect(g["resp"] == "value-" + key.dropFirst(4), "\(g)")
        }
        #expect(rows.filter { $0["req_cmd"] == "SET" && $0["resp"] == "OK" }.count == 100)
        // redis-py sends incr() as INCRBY.
        #expect(rows.contains { $0["req_cmd"] == "INCRBY" && $0["req_args"] == #"["key:0","1"]"# && $0["resp"] == "ERR value is not an integer or out of range" })
        #expect(rows.contains { $0["req_cmd"] == "LRANGE" && $0["req_args"] == #"["list","0","-1"]"# && $0["resp"] == #"["c","b","a"]"# })
        // RESP3.
        #expect(rows.contains { $0["req_cmd"] == "HELLO" && $0["req_args"] == #"["3"]"# && $0["resp"].contains(#""proto":"3""#) })
        #expect(rows.contains { $0["req_cmd"] == "HGETALL" && $0["resp"] == #"{"f1":"v1","f2":"v2"}"# })
        // Pub/sub: confirmations answer SUBSCRIBE, the messages are pushes.
        #expect(rows.contains { $0["req_cmd"] == "SUBSCRIBE" && $0["req_args"] == #"["news"]"# && $0["resp"] == #"["subscribe","news","1"]"# })
        #expect(rows.contains { $0["req_cmd"] == "PUSH PUB" && $0["resp"] == #"["message","news","breaking"]"# })
        #expect(rows.contains { $0["req_cmd"] == "PUSH PUB" && $0["resp"] == #"["message","alerts","fire"]"# })
        #expect(rows.contains { $0["req_cmd"] == "PUBLISH" && $0["req_args"] == #"["news","breaking"]"# && $0["resp"] == "1" })
        #expect(rows.contains { $0["req_cmd"] == "UNSUBSCRIBE" && $0["resp"] == #"["unsubscribe","news","0"]"# })
    }
}
}
