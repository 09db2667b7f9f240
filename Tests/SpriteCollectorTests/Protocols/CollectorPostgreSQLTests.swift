import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// A PostgreSQL server (run as the postgres user) traced with psql (simple queries, SSLRequest
/// refused) and psycopg 3 (extended protocol, server-side prepared statements) as clients.
extension RootIntegrationTests {
@Suite struct CollectorPostgreSQLTests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    static let bin = "/usr/lib/postgresql/15/bin"
    static let asPostgres = ["--reuid=postgres", "--regid=postgres", "--init-groups", "--"]

    /// initdb into a fresh directory owned by postgres, then the server on a free port with SSL
    /// off (so a client's SSLRequest is refused).
    static func startPostgres() throws -> (Child, Int) {
        let dir = Servers.tempDir("pg")
        let data = dir.appendingPathComponent("data").path
        try FileManager.default.setAttributes([.ownerAccountName: "postgres"], ofItemAtPath: dir.path)
        let initdb = try Servers.run("/usr/bin/setpriv", asPostgres + ["\(bin)/initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8"])
        try #require(FileManager.default.fileExists(atPath: data + "/PG_VERSION"), "initdb failed: \(initdb.out)")
        let port = Servers.freePort()
        // setpriv execs (no fork): the child is the postmaster itself, so stopping it stops them all.
        let server = try Child("/usr/bin/setpriv", asPostgres + ["\(bin)/postgres", "-D", data, "-p", "\(port)",
                                                     "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=\(dir.path)",
                                                     "-c", "ssl=off", "-c", "fsync=off"])
        try #require(Servers.waitForPort(port), "postgres did not start: \(server.errorOutput)")
        // Accepting connections is not yet ready for queries: wait for a query to succeed.
        for _ in 0..<100 {
            if try Servers.run("/usr/bin/psql", ["-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-Atc", "SELECT 1"]).out.hasPrefix("1") { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return (server, port)
    }

    @Test func psqlSimpleQueriesAfterSSLRefusal() throws {
        let (server, port) = try Self.startPostgres()
        defer { server.stop(signal: SIGINT) }
        let psql = try Servers.run("/usr/bin/psql", [
            "-h", "127.0.0.1", "-p", "\(port)", "-U", "postgres", "-d", "postgres", "-X", "-At",
            "-c", "CREATE TABLE fruit (id int, name text)",
            "-c", "INSERT INTO fruit VALUES (1, 'apple'), (2, 'pear'), (3, NULL)",
            "-c", "SELECT id, name FROM fruit ORDER BY id",
            "-c", "SELECT * FROM no_such_table",
        ])
        #expect(psql.out.contains("1|apple"))
        #expect(psql.out.contains(#"relation "no_such_table" does not exist"#))

        let rows = ProtocolRow.wait(store, "pgsql_events", pid: psql.pid, count: 4) { $0["req_cmd"] == "QUERY" }
        let all = Rows.all(store, "pgsql_events").map { ProtocolRow($0) }.filter { $0.pid == psql.pid }
        let select = try #require(rows.first { $0["req"] == "SELECT id, name FROM fruit ORDER BY id" }, "\(all)")
        #expect(select["resp"] == "id,name\n1,apple\n2,pear\n3,NULL\nSELECT 3")
        #expect(select.role == 1 && select.int("remote_port") == Int64(port))
        #expect(select.latency > 0)
        #expect(rows.contains { $0["req"].hasPrefix("INSERT INTO fruit") && $0["resp"] == "INSERT 0 3" })
        #expect(rows.contains { $0["req"] == "CREATE TABLE fruit (id int, name text)" && $0["resp"] == "CREATE TABLE" })
        #expect(rows.contains { $0["req"] == "SELECT * FROM no_such_table" && $0["resp"] == #"ERROR 42P01: relation "no_such_table" does not exist"# })
        // The server side: the postmaster accepts, a forked backend serves the connection on the
        // inherited socket, which the tracer picks up at the backend's first read (role from the
        // startup message it receives).
        let served = try #require(Rows.waitFor {
            Rows.all(store, "pgsql_events").map { ProtocolRow($0) }.first {
                $0.role == 2 && $0["req"] == select["req"] && $0.int("remote_port") == select.int("local_port")
            }
        }, "no server-side row for \(select)")
        #expect(served.pid != server.pid && served.pid != psql.pid, "the backend, not the postmaster: \(served.pid)")
        #expect(served["resp"] == select["resp"] && served["req_cmd"] == "QUERY")
        #expect(served["local_addr"] == "127.0.0.1" && served.int("local_port") == Int64(port) && served["remote_addr"] == "127.0.0.1")
        #expect(served.latency > 0)
        let backendRows = Rows.all(store, "pgsql_events").map { ProtocolRow($0) }.filter { $0.pid == served.pid }
        #expect(backendRows.contains { $0["req"] == "SELECT * FROM no_such_table" && $0["resp"].hasPrefix("ERROR 42P01") && $0.role == 2 })
    }

    static let client = #"""
import json, sys, psycopg
port = int(sys.argv[1])
out = {}
with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", sslmode="disable", autocommit=True) as c:
    c.execute("CREATE TABLE IF NOT EXISTS items (id int, label text)")
    c.execute("INSERT INTO items SELECT g, 'item-' || g FROM generate_series(1, 5) g")
    # Server-side prepared statement: named Parse once, then Bind/Execute by name.
    for n in (2, 4):
        row = c.execute("SELECT label FROM items WHERE id = %s", (n,), prepare=True).fetchone()
        out.setdefault("labels", []).append(row[0])
    # Multi-row result through the unnamed statement.
    out["rows"] = len(c.execute("SELECT id, label FROM items WHERE id <= %s ORDER BY id", (3,)).fetchall())
    try:
        c.execute("SELECT missing_column FROM items WHERE id = %s", (1,))
    except psycopg.Error as e:
        out["error"] = e.sqlstate
print(json.dumps(out))
"""#

    @Test func psycopgExtendedProtocolAndPreparedStatements() throws {
        let (server, port) = try Self.startPostgres()
        defer { server.stop(signal: SIGINT) }
        let (out, raw, pid) = try Servers.python(Self.client, ["\(port)"])
        #expect(out["labels"] as? [String] == ["item-2", "item-4"], "\(raw)")
        #expect(out["rows"] as? Int == 3)
        #expect(out["error"] as? String == "42703")

        let rows = ProtocolRow.wait(store, "pgsql_events", pid: pid, count: 4) { $0["req_cmd"] == "EXECUTE" }
        let all = Rows.all(store, "pgsql_events").map { ProtocolRow($0) }.filter { $0.pid == pid }
        let executes = all.filter { $0["req_cmd"] == "EXECUTE" }
        // The prepared statement: one named PARSE, then executions that name it and recover its SQL.
        let parse = try #require(all.first { $0["req_cmd"] == "PARSE" && $0["req"].contains("SELECT label FROM items WHERE id = $1") }, "\(all)")
        #expect(parse["req"].hasPrefix("statement=[_pg3_"))
        #expect(parse["resp"] == "PARSE COMPLETE")
        let labelRuns = executes.filter { $0["req"].contains("query=[SELECT label FROM items WHERE id = $1]") }
        #expect(labelRuns.map { $0["resp"] } == ["label\nitem-2\nSELECT 1", "label\nitem-4\nSELECT 1"] || labelRuns.map { $0["resp"] } == ["item-2\nSELECT 1", "item-4\nSELECT 1"], "\(labelRuns)")
        #expect(labelRuns.map { $0["req"].hasSuffix("params=[2]") || $0["req"].hasSuffix("params=[4]") } == [true, true])
        #expect(all.contains { $0["req_cmd"] == "BIND" && $0["req"].contains("params=[4]") && $0["resp"] == "BIND COMPLETE" })
        // The multi-row result.
        #expect(executes.contains { $0["req"].contains("query=[SELECT id, label FROM items WHERE id <= $1 ORDER BY id] params=[3]")
            && $0["resp"].hasSuffix("1,item-1\n2,item-2\n3,item-3\nSELECT 3") })
        // The error ends that batch.
        #expect(all.contains { $0["resp"] == #"ERROR 42703: column "missing_column" does not exist"# })
        #expect(rows.count == executes.count)
    }
}
}
