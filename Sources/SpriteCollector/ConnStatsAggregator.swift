import SpriteStore

/// Pixie's `conn_stats`: cumulative counters per (process, remote endpoint, role).
struct ConnStatsAggregator: Sendable {
    struct Key: Hashable, Sendable {
        var upid: UInt128
        var remoteAddr: String
        var remotePort: Int
        var role: Int
        var family: Int
    }

    struct Entry: Sendable {
        var opens = 0
        var closes = 0
        var closedSent: UInt64 = 0
        var closedRecv: UInt64 = 0
        var active: Set<ConnectionKey> = []
        var protocolID = 0
        var changed = true
    }

    private(set) var entries: [Key: Entry] = [:]

    static func key(of c: Connection) -> Key {
        Key(upid: c.upid.value, remoteAddr: c.remoteAddr, remotePort: c.remotePort, role: c.role, family: c.family)
    }

    mutating func opened(_ c: Connection) {
        let k = Self.key(of: c)
        entries[k, default: Entry()].opens += 1
        entries[k]!.active.insert(c.key)
        entries[k]!.changed = true
    }

    /// A connection tracked with role unknown learned its role: it moves to the endpoint of that role.
    mutating func changeRole(_ c: Connection, to role: Int) {
        let old = Self.key(of: c)
        if var e = entries[old], e.active.remove(c.key) != nil {
            e.opens -= 1
            if e.opens == 0 && e.closes == 0 && e.active.isEmpty { entries.removeValue(forKey: old) } else { entries[old] = e }
        }
        var k = old
        k.role = role
        entries[k, default: Entry()].opens += 1
        entries[k]!.active.insert(c.key)
        entries[k]!.changed = true
    }

    mutating func closed(_ c: Connection) {
        let k = Self.key(of: c)
        guard entries[k] != nil else { return }
        entries[k]!.closes += 1
        entries[k]!.active.remove(c.key)
        entries[k]!.closedSent += c.bytesSent
        entries[k]!.closedRecv += c.bytesRecv
        if c.protocolID != 0 { entries[k]!.protocolID = c.protocolID }
        entries[k]!.changed = true
    }

    /// Appends the row of `key` (bytes of open connections from `connections`).
    func appendRow(_ key: Key, time: Int64, connections: [ConnectionKey: Connection], to b: inout RecordBatchBuilder) {
        guard let e = entries[key] else { return }
        var sent = e.closedSent, recv = e.closedRecv
        var proto = e.protocolID
        for ck in e.active {
            if let c = connections[ck] {
                sent += c.bytesSent
                recv += c.bytesRecv
                if c.protocolID != 0 { proto = c.protocolID }
            }
        }
        b.append(time, to: 0)
        b.append(key.upid, to: 1)
        b.append(key.remoteAddr, to: 2)
        b.append(Int64(key.remotePort), to: 3)
        b.append(Int64(key.family), to: 4)
        b.append(Int64(proto == 255 ? 0 : proto), to: 5)
        b.append(Int64(key.role), to: 6)
        b.append(false, to: 7)
        b.append(Int64(e.opens), to: 8)
        b.append(Int64(e.closes), to: 9)
        b.append(Int64(e.active.count), to: 10)
        b.append(Int64(truncatingIfNeeded: sent), to: 11)
        b.append(Int64(truncatingIfNeeded: recv), to: 12)
        b.finishRow()
    }

    /// Appends a row for every endpoint, then forgets endpoints with nothing open that did not change.
    mutating func appendAll(time: Int64, connections: [ConnectionKey: Connection], to b: inout RecordBatchBuilder) {
        for key in entries.keys {
            appendRow(key, time: time, connections: connections, to: &b)
        }
        for (key, e) in entries {
            if e.active.isEmpty && !e.changed { entries.removeValue(forKey: key) } else { entries[key]!.changed = false }
        }
    }
}
