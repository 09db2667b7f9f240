import Synchronization
#if canImport(Glibc)
import Glibc
#endif
import SpriteEngine
import SpriteStore

/// The edges an aggregator knows: those that registered (and keep sending heartbeats) and those
/// given on its command line, with when each was last heard from.
public final class EdgeRegistry: Sendable {
    /// How an edge is reached.
    public enum Endpoint: Sendable {
        /// Another process, over HTTP(S) at this base URL.
        case remote(String)
        /// This process's own store (`sprite up`).
        case local(QueryService)
    }

    /// One known edge.
    public struct Edge: Sendable {
        /// The node name (unique in the cluster).
        public var name: String
        public var endpoint: Endpoint
        /// The tables the edge reported.
        public var schemas: [Schema]
        /// When the edge was last heard from (monotonic ns), `nil` if never.
        public var lastSeen: Int64?
        /// Given on the command line (polled) rather than registered (heartbeats).
        public var isStatic: Bool
        /// Why the last contact failed, if it did.
        public var lastError: String?

        public var url: String {
            switch endpoint {
            case .remote(let u): u
            case .local: "local"
            }
        }
    }

    /// An edge's availability at one moment.
    public struct Snapshot: Sendable {
        public var edge: Edge
        public var isAvailable: Bool
        /// Why it is unavailable.
        public var reason: String?
    }

    private let edges = Mutex<[String: Edge]>([:])
    /// An edge not heard from for this long is unavailable.
    public let heartbeatTimeoutNanos: Int64

    public init(heartbeatTimeout: Duration = .seconds(15)) {
        let (s, a) = heartbeatTimeout.components
        heartbeatTimeoutNanos = s * 1_000_000_000 + a / 1_000_000_000
    }

    /// Adds or refreshes a registered edge (a heartbeat).
    public func register(name: String, url: String, schemas: [Schema]) {
        let now = Self.monotonicNanos()
        edges.withLock { m in
            let isStatic = m[name]?.isStatic ?? false
            m[name] = Edge(name: name, endpoint: .remote(url), schemas: schemas, lastSeen: now, isStatic: isStatic, lastError: nil)
        }
    }

    /// Adds an edge to poll (`--edges`), unavailable until it answers.
    public func addStatic(name: String, url: String) {
        edges.withLock { m in
            m[name] = Edge(name: name, endpoint: .remote(url), schemas: [], lastSeen: nil, isStatic: true, lastError: "not contacted yet")
        }
    }

    /// Adds this process's own store as an edge, always available.
    public func addLocal(name: String, service: QueryService) {
        edges.withLock { m in
            m[name] = Edge(name: name, endpoint: .local(service), schemas: [], lastSeen: nil, isStatic: true, lastError: nil)
        }
    }

    /// Records a successful contact.
    public func markSeen(_ name: String, schemas: [Schema]? = nil) {
        let now = Self.monotonicNanos()
        edges.withLock { m in
            m[name]?.lastSeen = now
            m[name]?.lastError = nil
            if let schemas { m[name]?.schemas = schemas }
        }
    }

    /// Records a failed contact: the edge is unavailable until it is heard from again.
    public func markFailed(_ name: String, _ message: String) {
        edges.withLock { m in
            m[name]?.lastSeen = nil
            m[name]?.lastError = message
        }
    }

    /// Forgets an edge (taken out of the cluster). This process's own store cannot be removed.
    /// - Returns: whether an edge of that name was known and removed.
    @discardableResult
    public func remove(_ name: String) -> Bool {
        edges.withLock { m in
            guard let e = m[name] else { return false }
            if case .local = e.endpoint { return false }
            m[name] = nil
            return true
        }
    }

    /// Every known edge, sorted by name, with its availability now.
    public func snapshot() -> [Snapshot] {
        let now = Self.monotonicNanos()
        let all = edges.withLock { Array($0.values) }
        return all.sorted { $0.name < $1.name }.map { e in
            if case .local = e.endpoint { return Snapshot(edge: e, isAvailable: true, reason: nil) }
            guard let seen = e.lastSeen else {
                return Snapshot(edge: e, isAvailable: false, reason: e.lastError ?? "never heard from")
            }
            let age = now - seen
            if age > heartbeatTimeoutNanos {
                return Snapshot(edge: e, isAvailable: false,
                                reason: "no heartbeat for \(age / 1_000_000_000)s (timeout \(heartbeatTimeoutNanos / 1_000_000_000)s)")
            }
            return Snapshot(edge: e, isAvailable: true, reason: nil)
        }
    }

    /// The tables of every edge (the union of their schemas; the canonical tables when no edge
    /// has reported any), for compiling scripts on the aggregator.
    public var catalog: StaticCatalog {
        var byName: [String: Schema] = [:]
        for s in Schemas.all { byName[s.name] = s }
        for e in edges.withLock({ Array($0.values) }) {
            switch e.endpoint {
            case .local(let service):
                for name in service.store.tableNames { if let s = service.store.table(named: name)?.schema { byName[name] = s } }
            case .remote:
                for s in e.schemas { byName[s.name] = s }
            }
        }
        return StaticCatalog(Array(byName.values))
    }

    static func monotonicNanos() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
