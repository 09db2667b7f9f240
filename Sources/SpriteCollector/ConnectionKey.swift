/// Identity of one traced connection: (pid, fd, generation). The kernel bumps the generation for
/// every new connection, so a reused fd never continues an old conversation.
struct ConnectionKey: Hashable, Sendable {
    var tgid: UInt32
    var fd: UInt32
    var generation: UInt64
}
