import Synchronization

/// Topic names by topic id, learnt from Metadata responses (v10+) on any connection: clients
/// fetch and produce by id (Fetch v13+, Produce v13+) on their broker connections, and often ask
/// for metadata on another one. Topic ids are UUIDs, unique across clusters, so one directory
/// serves every connection; it holds at most `capacity` ids and starts over when full.
final class KafkaTopicNames: Sendable {
    static let shared = KafkaTopicNames()

    private let names = Mutex<[String: String]>([:])
    let capacity: Int

    init(capacity: Int = 65_536) { self.capacity = capacity }

    func name(of id: String) -> String? { names.withLock { $0[id] } }

    func learn(_ pairs: [(id: String, name: String)]) {
        guard !pairs.isEmpty else { return }
        names.withLock { n in
            if n.count + pairs.count > capacity { n.removeAll(keepingCapacity: true) }
            for p in pairs { n[p.id] = p.name }
        }
    }
}
