import CSQLite
import Foundation
import Synchronization

/// Schedules and their bounded run history in SQLite (`exports.sqlite` in the data directory).
public final class ExportDatabase: Sendable {
    /// Runs kept per schedule.
    public static let historyLimit = 200
    private let handle: Mutex<Connection>

    final class Connection: @unchecked Sendable {  // used only under the mutex
        let db: OpaquePointer
        init(_ db: OpaquePointer) { self.db = db }
        deinit { sqlite3_close(db) }
    }

    /// Opens (creating if needed) the database at `path`; `":memory:"` for a private one.
    public init(path: String) throws(ExportError) {
        var db: OpaquePointer?
        guard sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nil) == SQLITE_OK, let db else {
            throw ExportError(.storage, "cannot open the export database at \(path): \(db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")")
        }
        handle = Mutex(Connection(db))
        try execute("""
            PRAGMA journal_mode=WAL;
            CREATE TABLE IF NOT EXISTS schedules (
              name TEXT PRIMARY KEY, script TEXT NOT NULL, every_ns INTEGER NOT NULL, endpoint TEXT NOT NULL,
              headers TEXT NOT NULL, encoding TEXT NOT NULL, last_end INTEGER NOT NULL, created INTEGER NOT NULL);
            CREATE TABLE IF NOT EXISTS runs (
              id INTEGER PRIMARY KEY AUTOINCREMENT, schedule TEXT NOT NULL, window_start INTEGER, window_end INTEGER,
              started INTEGER, finished INTEGER, status TEXT, items INTEGER, bytes INTEGER, rejected INTEGER,
              attempts INTEGER, message TEXT);
            CREATE INDEX IF NOT EXISTS runs_by_schedule ON runs(schedule, id);
            CREATE TABLE IF NOT EXISTS edges (name TEXT PRIMARY KEY, url TEXT NOT NULL, added INTEGER NOT NULL);
            """)
    }

    private func execute(_ sql: String) throws(ExportError) {
        let rc = handle.withLock { c -> (Int32, String) in
            var err: UnsafeMutablePointer<CChar>?
            let rc = sqlite3_exec(c.db, sql, nil, nil, &err)
            defer { sqlite3_free(err) }
            return (rc, err.map { String(cString: $0) } ?? "")
        }
        guard rc.0 == SQLITE_OK else { throw ExportError(.storage, "export database: \(rc.1)") }
    }

    /// Runs `sql` with `bindings`, calling `row` for each result row.
    private func query(_ sql: String, _ bindings: [Binding], row: (Row) -> Void = { _ in }) throws(ExportError) {
        let failure: String? = handle.withLock { c in
            var stmt: OpaquePointer?
            guard sqlite3_prepare_v2(c.db, sql, -1, &stmt, nil) == SQLITE_OK, let stmt else { return String(cString: sqlite3_errmsg(c.db)) }
            defer { sqlite3_finalize(stmt) }
            let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
            for (i, b) in bindings.enumerated() {
                switch b {
                case .int(let v): sqlite3_bind_int64(stmt, Int32(i + 1), v)
                case .text(let s): sqlite3_bind_text(stmt, Int32(i + 1), s, -1, transient)
                }
            }
            while true {
                let rc = sqlite3_step(stmt)
                if rc == SQLITE_DONE { return nil }
                guard rc == SQLITE_ROW else { return String(cString: sqlite3_errmsg(c.db)) }
                row(Row(stmt: stmt))
            }
        }
        if let failure { throw ExportError(.storage, "export database: \(failure)") }
    }

    enum Binding { case int(Int64), text(String) }

    struct Row {
        let stmt: OpaquePointer
        func int(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
        func text(_ i: Int32) -> String { sqlite3_column_text(stmt, i).map { String(cString: $0) } ?? "" }
    }

    /// Adds a schedule; fails if the name is taken.
    public func add(_ s: ExportSchedule) throws(ExportError) {
        if try schedule(named: s.name) != nil { throw ExportError(.exists, "an export named '\(s.name)' exists; remove it first or pick another name") }
        let headers = String(decoding: (try? JSONEncoder().encode(s.headers)) ?? Data("{}".utf8), as: UTF8.self)
        try query("INSERT INTO schedules VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  [.text(s.name), .text(s.script), .int(s.every), .text(s.endpoint), .text(headers), .text(s.encoding), .int(s.lastEnd), .int(s.created)])
    }

    /// Removes a schedule and its history.
    public func remove(_ name: String) throws(ExportError) {
        guard try schedule(named: name) != nil else { throw ExportError(.unknownSchedule, "no export named '\(name)'") }
        try query("DELETE FROM schedules WHERE name = ?", [.text(name)])
        try query("DELETE FROM runs WHERE schedule = ?", [.text(name)])
    }

    /// All schedules, by name.
    public func schedules() throws(ExportError) -> [ExportSchedule] {
        var out: [ExportSchedule] = []
        try query("SELECT name, script, every_ns, endpoint, headers, encoding, last_end, created FROM schedules ORDER BY name", []) { r in
            let headers = (try? JSONDecoder().decode([String: String].self, from: Data(r.text(4).utf8))) ?? [:]
            out.append(ExportSchedule(name: r.text(0), script: r.text(1), every: r.int(2), endpoint: r.text(3), headers: headers,
                                      encoding: r.text(5), lastEnd: r.int(6), created: r.int(7)))
        }
        return out
    }

    public func schedule(named name: String) throws(ExportError) -> ExportSchedule? {
        try schedules().first { $0.name == name }
    }

    /// Moves a schedule's window end forward.
    public func setLastEnd(_ name: String, _ end: Int64) throws(ExportError) {
        try query("UPDATE schedules SET last_end = ? WHERE name = ?", [.int(end), .text(name)])
    }

    /// Records a run, keeping the newest ``historyLimit`` per schedule.
    public func record(_ run: ExportRun) throws(ExportError) {
        try query("INSERT INTO runs (schedule, window_start, window_end, started, finished, status, items, bytes, rejected, attempts, message) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  [.text(run.schedule), .int(run.windowStart), .int(run.windowEnd), .int(run.started), .int(run.finished),
                   .text(run.status.rawValue), .int(Int64(run.items)), .int(Int64(run.bytes)), .int(Int64(run.rejected)),
                   .int(Int64(run.attempts)), .text(run.message)])
        try query("DELETE FROM runs WHERE schedule = ? AND id NOT IN (SELECT id FROM runs WHERE schedule = ? ORDER BY id DESC LIMIT ?)",
                  [.text(run.schedule), .text(run.schedule), .int(Int64(Self.historyLimit))])
    }

    /// A schedule's runs, oldest first.
    public func history(_ name: String) throws(ExportError) -> [ExportRun] {
        var out: [ExportRun] = []
        try query("SELECT schedule, window_start, window_end, started, finished, status, items, bytes, rejected, attempts, message FROM runs WHERE schedule = ? ORDER BY id", [.text(name)]) { r in
            out.append(ExportRun(schedule: r.text(0), windowStart: r.int(1), windowEnd: r.int(2), started: r.int(3), finished: r.int(4),
                                 status: ExportRun.Status(rawValue: r.text(5)) ?? .failed, items: Int(r.int(6)), bytes: Int(r.int(7)),
                                 rejected: Int(r.int(8)), attempts: Int(r.int(9)), message: r.text(10)))
        }
        return out
    }

    // MARK: - Edges exports must cover

    /// Remembers an edge that exports must cover (its URL is updated if it changed).
    public func rememberEdge(name: String, url: String, at time: Int64) throws(ExportError) {
        try query("INSERT INTO edges VALUES (?, ?, ?) ON CONFLICT(name) DO UPDATE SET url = excluded.url WHERE url != excluded.url",
                  [.text(name), .text(url), .int(time)])
    }

    /// Forgets an edge (decommissioned): runs no longer wait for it. Returns whether it was known.
    @discardableResult
    public func forgetEdge(_ name: String) throws(ExportError) -> Bool {
        let known = try knownEdges()[name] != nil
        try query("DELETE FROM edges WHERE name = ?", [.text(name)])
        return known
    }

    /// The edges exports must cover, name → last known URL.
    public func knownEdges() throws(ExportError) -> [String: String] {
        var out: [String: String] = [:]
        try query("SELECT name, url FROM edges", []) { r in out[r.text(0)] = r.text(1) }
        return out
    }
}
