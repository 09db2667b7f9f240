import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// dnsmasq answering dnspython over TCP and UDP, `dig` over UDP, and glibc's resolver (A, AAAA,
/// CNAME, NXDOMAIN); over UDP both the client's and dnsmasq's rows are asserted.
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

    /// The records every test asks for.
    static let records = ["--local=/sprite.test/", "--host-record=a.sprite.test,10.1.2.3,fd00::1", "--cname=www.sprite.test,a.sprite.test"]

    /// dnsmasq answering only the fixed records on 127.0.0.1:`port` (UDP and TCP).
    static func startDnsmasq() throws -> (Child, Int) {
        let port = Servers.freePort()
        let server = try Child("/usr/sbin/dnsmasq", [
            "--no-daemon", "--port=\(port)", "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
            "--pid-file=", "--user=root",
        ] + records)
        try #require(Servers.waitForPort(port), "dnsmasq did not start: \(server.errorOutput)")
        return (server, port)
    }

    static let names = ["a.sprite.test/A", "a.sprite.test/AAAA", "www.sprite.test/A", "nope.sprite.test/A"]

    static func queryJSON(_ nameAndType: String) -> String {
        let p = nameAndType.split(separator: "/")
        return #"{"queries":[{"name":"\#(p[0])","type":"\#(p[1])"}]}"#
    }

    /// The answers dnsmasq gives for each of ``names``.
    static let answers = [
        #"{"answers":[{"name":"a.sprite.test","type":"A","addr":"10.1.2.3"}]}"#,
        #"{"answers":[{"name":"a.sprite.test","type":"AAAA","addr":"fd00::1"}]}"#,
        #"{"answers":[{"name":"www.sprite.test","type":"CNAME","cname":"a.sprite.test"},{"name":"a.sprite.test","type":"A","addr":"10.1.2.3"}]}"#,
        #"{"answers":[]}"#,
    ]

    /// The `txid` of a header JSON.
    static func txid(_ header: String) -> Int? {
        guard let r = header.range(of: #""txid":"#) else { return nil }
        return Int(header[r.upperBound...].prefix { $0.isNumber })
    }

    /// Checks the client's rows (one per name of ``names``, in any order) and finds dnsmasq's
    /// server-side row for each: same transaction, the client's port as its remote port.
    func expectClientAndServerRows(client pid: UInt32, server: UInt32, port: Int, localAddr: String?) throws {
        let rows = ProtocolRow.wait(store, "dns_events", pid: pid, count: 4)
        try #require(rows.count == 4, "\(rows)")
        for (i, name) in Self.names.enumerated() {
            let row = try #require(rows.first { $0["req_body"] == Self.queryJSON(name) }, "\(name): \(rows)")
            #expect(row["resp_body"] == Self.answers[i], "\(name)")
            #expect(row["resp_header"].contains(i == 3 ? #""rcode":3"# : #""rcode":0"#), "\(row)")
            #expect(row["req_header"].contains(#""qr":0"#) && row["resp_header"].contains(#""qr":1"#))
            #expect(row.role == 1 && row["remote_addr"] == "127.0.0.1" && row.int("remote_port") == Int64(port), "\(row)")
            #expect(row.int("local_port") > 0 && row.int("local_port") != Int64(port), "\(row)")
            if let localAddr { #expect(row["local_addr"] == localAddr, "\(row)") }
            #expect(row.latency > 0)
            // dnsmasq's row of the same exchange.
            let txid = Self.txid(row["req_header"])
            let served = ProtocolRow.wait(store, "dns_events", pid: server, count: 1) {
                $0.int("remote_port") == row.int("local_port") && Self.txid($0["req_header"]) == txid
            }
            let s = try #require(served.first, "no dnsmasq row for \(row)")
            #expect(s.role == 2 && s["local_addr"] == "127.0.0.1" && s.int("local_port") == Int64(port), "\(s)")
            #expect(s["remote_addr"] == "127.0.0.1")
            #expect(s["req_body"] == row["req_body"] && s["resp_body"] == row["resp_body"] && s["resp_header"] == row["resp_header"])
            #expect(s.latency > 0)
        }
    }

    static let udpClient = #"""
import json, sys, dns.message, dns.query, dns.rcode
port = int(sys.argv[1])
out = {}
for name, rtype in [("a.sprite.test", "A"), ("a.sprite.test", "AAAA"), ("www.sprite.test", "A"), ("nope.sprite.test", "A")]:
    q = dns.message.make_query(name, rtype)
    r = dns.query.udp(q, "127.0.0.1", port=port, timeout=5)
    out["%s/%s" % (name, rtype)] = dns.rcode.to_text(r.rcode())
print(json.dumps(out))
"""#

    /// dnspython's UDP query: sendto and recvfrom on an unconnected socket.
    @Test func dnspythonOverUDPClientAndServerRows() throws {
        let (server, port) = try Self.startDnsmasq()
        defer { server.stop(signal: SIGKILL) }
        let (out, raw, pid) = try Servers.python(Self.udpClient, ["\(port)"])
        #expect(out["www.sprite.test/A"] as? String == "NOERROR", "\(raw)")
        #expect(out["nope.sprite.test/A"] as? String == "NXDOMAIN")
        try expectClientAndServerRows(client: pid, server: server.pid, port: port, localAddr: nil)
    }

    /// `dig` (BIND's network manager on libuv: a connected UDP socket per query).
    @Test func digOverUDPClientAndServerRows() throws {
        let (server, port) = try Self.startDnsmasq()
        defer { server.stop(signal: SIGKILL) }
        let dig = try Servers.run("/usr/bin/dig", [
            "@127.0.0.1", "-p", "\(port)", "+tries=1", "+time=5",
            "a.sprite.test", "A", "a.sprite.test", "AAAA", "www.sprite.test", "A", "nope.sprite.test", "A",
        ])
        #expect(dig.out.contains("10.1.2.3") && dig.out.contains("status: NXDOMAIN"), "\(dig.out)")
        try expectClientAndServerRows(client: dig.pid, server: server.pid, port: port, localAddr: "127.0.0.1")
        // dig has exited: its name comes from the datagram events.
        let row = try #require(ProtocolRow.wait(store, "dns_events", pid: dig.pid, count: 1).first)
        #expect(Harness.testConfiguration.processDirectory.lookup(UPID(row.values["upid"]!.u128))?.executable == "dig")
    }

    /// glibc's resolver (getaddrinfo through `getent ahosts`): A and AAAA sent together with
    /// sendmmsg on a connected socket, answers read with recvfrom. The resolver only talks to
    /// port 53, so dnsmasq and getent run in their own network and mount namespaces, with a
    /// resolv.conf bind-mounted over /etc/resolv.conf there (the machine's stays untouched).
    @Test func glibcResolverSendmmsgClientAndServerRows() throws {
        let dir = Servers.tempDir("resolv")
        let conf = dir.appendingPathComponent("resolv.conf")
        try "nameserver 127.0.0.1\noptions timeout:5 attempts:1\n".write(to: conf, atomically: true, encoding: .utf8)
        let script = """
            ip link set lo up || exit 1
            mount --bind \(conf.path) /etc/resolv.conf || exit 1
            /usr/sbin/dnsmasq --no-daemon --port=53 --listen-address=127.0.0.1 --bind-interfaces --no-resolv --no-hosts \
              --pid-file= --user=root \(Self.records.joined(separator: " ")) 2>/dev/null & d=$!
            for i in $(seq 100); do [ -n "$(ss -lun 'sport = :53' | tail -n +2)" ] && break; sleep 0.1; done
            /bin/sh -c 'echo client $$; exec getent ahosts www.sprite.test'
            echo server $d
            kill -9 $d
            """
        let run = try Servers.run("/usr/bin/unshare", ["--mount", "--net", "/bin/sh", "-c", script])
        #expect(run.out.contains("10.1.2.3") && run.out.contains("fd00::1"), "\(run.out)")
        func pid(_ label: String) -> UInt32? {
            run.out.split(separator: "\n").first { $0.hasPrefix(label + " ") }.flatMap { UInt32($0.dropFirst(label.count + 1)) }
        }
        let client = try #require(pid("client"), "\(run.out)")
        let server = try #require(pid("server"), "\(run.out)")
        let rows = ProtocolRow.wait(store, "dns_events", pid: client, count: 2)
        try #require(rows.count == 2, "\(rows)")
        for (type, addr) in [("A", #""type":"A","addr":"10.1.2.3""#), ("AAAA", #""type":"AAAA","addr":"fd00::1""#)] {
            let row = try #require(rows.first { $0["req_body"] == Self.queryJSON("www.sprite.test/\(type)") }, "\(rows)")
            #expect(row["resp_body"].hasPrefix(#"{"answers":[{"name":"www.sprite.test","type":"CNAME","cname":"a.sprite.test"},"#))
            #expect(row["resp_body"].contains(addr), "\(row)")
            #expect(row.role == 1 && row["remote_addr"] == "127.0.0.1" && row.int("remote_port") == 53 && row["local_addr"] == "127.0.0.1")
            let served = ProtocolRow.wait(store, "dns_events", pid: server, count: 1) { $0["req_body"] == row["req_body"] }
            let s = try #require(served.first, "no dnsmasq row for \(row)")
            #expect(s.role == 2 && s.int("local_port") == 53 && s.int("remote_port") == row.int("local_port"), "\(s)")
            #expect(s["resp_body"] == row["resp_body"])
        }
    }

    @Test func dnspythonOverTCPAgainstDnsmasq() throws {
        let (server, port) = try Self.startDnsmasq()
        defer { server.stop(signal: SIGKILL) }
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
