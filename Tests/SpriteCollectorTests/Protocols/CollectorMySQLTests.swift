import Foundation
import SpriteStore
import Testing
@testable import SpriteCollector

/// MariaDB traced with the mariadb client (COM_QUERY), PyMySQL (multi-row results) and
/// mysql-connector-python (server-side prepared statements) as clients.
extension RootIntegrationTests {
@Suite struct CollectorMySQLTests {
    let store: TableStore

    init() throws {
        try Root.require()
        store = Harness.shared.store
    }

    /// mariadb-install-db into a fresh directory, then mariadbd on a free port (as root, no grant
    /// checks: the handshake and authentication exchange still happen).
    static func startMariaDB() throws -> (Child, Int) {
        let dir = Servers.tempDir("mariadb")
        let data = dir.appendingPathComponent("data").path
        let install = try Servers.run("/usr/bin/mariadb-install-db", ["--no-defaults", "--datadir=\(data)", "--user=root",
                                                                      "--auth-root-authentication-method=normal", "--skip-test-db"])
        try #require(FileManager.default.fileExists(atPath: data + "/mysql"), "mariadb-install-db failed: \(install.out)")
        let port = Servers.freePort()
        let server = try Child("/usr/sbin/mariadbd", ["--no-defaults", "--datadir=\(data)", "--port=\(port)", "--bind-address=127.0.0.1",
                                                      "--socket=\(dir.path)/mysqld.sock", "--user=root", "--skip-grant-tables",
                                                      "--skip-log-bin", "--innodb-buffer-pool-size=16M", "--pid-file=\(dir.path)/mysqld.pid"])
        try #require(Servers.waitForPort(port), "mariadbd did not start: \(server.errorOutput)")
        return (server, port)
    }

    @Test func mariadbClientQueriesAndErrors() throws {
        let (server, port) = try Self.startMariaDB()
        defer { server.stop(signal: SIGTERM) }
        let cli = try Servers.run("/usr/bin/mariadb", [
            "--no-defaults", "-h", "127.0.0.1", "-P", "\(port)", "-u", "root", "--skip-ssl", "-e",
            "CREATE DATABASE shop; CREATE TABLE shop.fruit (id INT, name TEXT); INSERT INTO shop.fruit VALUES (1,'apple'),(2,'pear'),(3,'fig'); SELECT id, name FROM shop.fruit ORDER BY id; SELECT * FROM shop.nope;",
        ])
        #expect(cli.out.contains("pear"))
        #expect(cli.out.contains("doesn't exist"))

        let rows = ProtocolRow.wait(store, "mysql_events", pid: cli.pid, count: 5) { $0.int("req_cmd") == 3 }
        let all = Rows.all(store, "mysql_events").map { ProtocolRow($0) }.filter { $0.pid == cli.pid }
        let select = try #require(rows.first { $0["req_body"] == "SELECT id, name FROM shop.fruit ORDER BY id" }, "\(all)")
        #expect(select.int("resp_status") == 2)
        #expect(select["resp_body"] == "Resultset rows = 3")
        #expect(select.role == 1 && select.int("remote_port") == Int64(port))
        #expect(select.latency > 0)
        #expect(rows.contains { $0["req_body"] == "INSERT INTO shop.fruit VALUES (1,'apple'),(2,'pear'),(3,'fig')" && $0.int("resp_status") == 2 && $0["resp_body"] == "" })
        #expect(rows.contains { $0["req_body"] == "SELECT * FROM shop.nope" && $0.int("resp_status") == 3 && $0["resp_body"] == "Table 'shop.nope' doesn't exist" })
        // The server side (mariadbd serves connections on threads of the accepting process).
        let srv = ProtocolRow.wait(store, "mysql_events", pid: server.pid, count: 1) { $0["req_body"] == "SELECT id, name FROM shop.fruit ORDER BY id" }
        #expect(srv.first?.role == 2)
        #expect(srv.first?["resp_body"] == "Resultset rows = 3")
    }

    static let client = #"""
import json, sys, pymysql, mysql.connector
port = int(sys.argv[1])
out = {}
c = pymysql.connect(host="127.0.0.1", port=port, user="root", autocommit=True)
cur = c.cursor()
cur.execute("CREATE DATABASE IF NOT EXISTS inv")
cur.execute("CREATE TABLE IF NOT EXISTS inv.items (id INT, label VARCHAR(40))")
cur.execute("INSERT INTO inv.items VALUES " + ",".join("(%d, 'item-%d')" % (i, i) for i in range(1, 201)))
cur.execute("SELECT id, label FROM inv.items ORDER BY id")
out["rows"] = len(cur.fetchall())
c.close()
# Server-side prepared statements (COM_STMT_PREPARE / EXECUTE / CLOSE).
m = mysql.connector.connect(host="127.0.0.1", port=port, user="root", use_pure=True, ssl_disabled=True)
p = m.cursor(prepared=True)
labels = []
for n in (7, 9):
    p.execute("SELECT label FROM inv.items WHERE id = ?", (n,))
    labels.append(p.fetchall()[0][0])
out["labels"] = labels
try:
    p.execute("SELECT nope FROM inv.items WHERE id = ?", (1,))
except mysql.connector.Error as e:
    out["error"] = e.errno
p.close()
m.close()
print(json.dumps(out))
"""#

    @Test func pythonDriversPreparedStatementsAndBigResults() throws {
        let (server, port) = try Self.startMariaDB()
        defer { server.stop(signal: SIGTERM) }
        let (out, raw, pid) = try Servers.python(Self.client, ["\(port)"])
        #expect(out["rows"] as? Int == 200, "\(raw)")
        #expect(out["labels"] as? [String] == ["item-7", "item-9"])
        #expect(out["error"] as? Int == 1054)

        // Two executions, the close of their statement and the failed prepare (the client's last command).
        _ = ProtocolRow.wait(store, "mysql_events", pid: pid, count: 4) { [23, 25].contains($0.int("req_cmd")) || $0.int("resp_status") == 3 }
        let rows = ProtocolRow.wait(store, "mysql_events", pid: pid, count: 2) { $0.int("req_cmd") == 23 }
        let all = Rows.all(store, "mysql_events").map { ProtocolRow($0) }.filter { $0.pid == pid }
        // 200 rows arrive in several packets and reads.
        #expect(all.contains { $0.int("req_cmd") == 3 && $0["req_body"] == "SELECT id, label FROM inv.items ORDER BY id" && $0["resp_body"] == "Resultset rows = 200" }, "\(all)")
        let prepare = all.first { $0.int("req_cmd") == 22 && $0["req_body"] == "SELECT label FROM inv.items WHERE id = ?" }
        #expect(prepare?.int("resp_status") == 2)
        let executes = rows.filter { $0["req_body"] == "SELECT label FROM inv.items WHERE id = ?" }
        #expect(executes.count == 2)
        #expect(executes.allSatisfy { $0["resp_body"] == "Resultset rows = 1" && $0.int("resp_status") == 2 })
        #expect(all.contains { $0.int("req_cmd") == 22 && $0["req_body"] == "SELECT nope FROM inv.items WHERE id = ?" && $0.int("resp_status") == 3
            && $0["resp_body"].hasPrefix("Unknown column 'nope' in ") }, "\(all.filter { $0.int("req_cmd") == 22 })")
        #expect(all.contains { $0.int("req_cmd") == 25 && $0["req_body"] == "SELECT label FROM inv.items WHERE id = ?" && $0.int("resp_status") == 1 })
    }
}
}
