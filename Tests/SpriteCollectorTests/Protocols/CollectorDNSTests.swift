import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// dnsmasq answering a dnspython resolver over TCP (A, AAAA, CNAME, NXDOMAIN).
extension RootIntegrationTests {
@Suite struct CollectorDNSTests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    static let client = #"""
import json, sys, dns.message, dns.query, dns.rcode
port = int(sys.argv[1])
out = {}
for name, rtype in [("a.sprite.test", "A"), ("a.sprite.test", "AAAA"), ("www.sprite.test", "A"), ("nope.sprite.test", "A")]:
    q = dns.message.make_query(name, rtype)
    r = dns.query.tcp(q, "127.0.0.1", port=port, timeout=5)
    out["%s/%s" % (name, rtype)] = dns.rcode.to_text(r.rcode())
print(json.dumps(out))
"""#

    @Test func dnspythonOverTCPAgainstDnsmasq() throws {
        let port = Servers.freePort()
        let server = try Child("/usr/sbin/dnsmasq", [
            "--no-daemon", "--port=\(port)", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
            "--pid-file=", "--user=root", "--local=/sprite.test/", "--host-record=a.sprite.test,10.1.2.3,fd00::1",
            "--cname=www.sprite.test,a.sprite.test",
        ])
        defer { server.stop(signal: SIGTERM) }
        try #require(Servers.waitForPort(port), "dnsmasq did not start: \(server.errorOutput)")
        let (out, raw, pid) = try Servers.python(Self.client, ["\(port)"])
        #expect(out["a.sprite.test/A"] as? String == "NOERROR", "\(raw)")
        #expect(out["nope.sprite.test/A"] as? String == "NXDOMAIN")

        let rows = ProtocolRow.wait(store, "dns_events", pid: pid, count: 4)
        try #require(rows.count == 4, "\(rows)")
        #expect(rows.map { $0["req_body"] } == [
            #"{"queries":[{"name":"a.sprite.test","type":"A"}]}"#, #"{"queries":[{"name":"a.sprite.test","type":"AAAA"}]}"#,
            #"{"queries":[{"name":"www.sprite.test","type":"A"}]}"#, #"{"queries":[{"name":"nope.sprite.test","type":"A"}]}"#,
        ])
        #expect(rows[0]["resp_body"] == #"{"answers":[{"name":"a.sprite.test","type":"A","addr":"10.1.2.3"}]}"#)
        #expect(rows[1]["resp_body"] == #"{"answers":[{"name":"a.sprite.test","type":"AAAA","addr":"fd00::1"}]}"#)
        #expect(rows[2]["resp_body"] == #"{"answers":[{"name":"www.sprite.test","type":"CNAME","cname":"a.sprite.test"},{"name":"a.sprite.test","type":"A","addr":"10.1.2.3"}]}"#)
        #expect(rows[3]["resp_body"] == #"{"answers":[]}"#)
        #expect(rows[3]["resp_header"].contains(#""rcode":3"#))
        #expect(rows[0]["resp_header"].contains(#""qr":1"#) && rows[0]["req_header"].contains(#""qr":0"#))
        #expect(rows.allSatisfy { $0.role == 1 && $0.int("remote_port") == Int64(port) && $0.latency > 0 })
    }
}
}
