#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// Where the store reads "now" for retention, in nanoseconds since the Unix epoch.
///
/// Production uses ``system``; tests use ``manual(startingAt:)`` and move time by hand.
public struct StoreClock: Sendable {
    private let read: @Sendable () -> Int64
    private let box: ManualBox?

    private init(read: @escaping @Sendable () -> Int64, box: ManualBox?) {
        self.read = read
        self.box = box
    }

    /// The current time.
    public var now: Int64 { read() }

    /// The system's real-time clock.
    public static let system = StoreClock(read: {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }, box: nil)

    /// A clock that stands still until ``advance(by:)`` or ``set(_:)`` moves it.
    public static func manual(startingAt start: Int64) -> StoreClock {
        let box = ManualBox(start)
        return StoreClock(read: { box.value.load(ordering: .relaxed) }, box: box)
    }

    /// Moves a manual clock forward by `nanoseconds` (no effect on the system clock).
    public func advance(by nanoseconds: Int64) {
        box?.value.add(nanoseconds, ordering: .relaxed)
    }

    /// Sets a manual clock (no effect on the system clock).
    public func set(_ nanoseconds: Int64) {
        box?.value.store(nanoseconds, ordering: .relaxed)
    }

    private final class ManualBox: Sendable {
        let value: Atomic<Int64>
        init(_ v: Int64) { value = Atomic(v) }
    }
}
