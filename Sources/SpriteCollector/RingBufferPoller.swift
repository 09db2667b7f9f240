import CLibbpf
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Drains the kernel ring buffer on a dedicated thread (``ring_buffer__poll`` blocks) and hands
/// each event to an ``EventProcessor``. The C callback reaches the processor through an
/// `Unmanaged` context pointer.
final class RingBufferPoller: @unchecked Sendable {
    private let ring: OpaquePointer
    private let processor: EventProcessor
    private let stopFlag = Atomic<Bool>(false)
    private let logger: Logger
    private let housekeeping: @Sendable () -> Void
    private let pollMilliseconds: Int32
    private var thread: pthread_t = pthread_t()
    private var started = false

    /// `housekeeping` runs on the polling thread after every poll (every `pollInterval` at most),
    /// so periodic work never depends on the cooperative thread pool being free.
    init(mapFD: Int32, processor: EventProcessor, pollInterval: Duration, logger: Logger,
         housekeeping: @escaping @Sendable () -> Void) throws(CollectorError) {
        let ms = pollInterval.components.seconds * 1000 + pollInterval.components.attoseconds / 1_000_000_000_000_000
        self.pollMilliseconds = Int32(clamping: max(1, ms))
        self.processor = processor
        self.logger = logger
        self.housekeeping = housekeeping
        let context = Unmanaged.passUnretained(processor).toOpaque()
        guard let ring = ring_buffer__new(mapFD, { ctx, data, size in
            guard let ctx, let data else { return 0 }
            let processor = Unmanaged<EventProcessor>.fromOpaque(ctx).takeUnretainedValue()
            processor.handle(UnsafeRawBufferPointer(start: data, count: size))
            return 0
        }, context, nil) else {
            throw CollectorError(.loadFailed, "libbpf could not set up the ring buffer consumer: \(LibbpfLog.tail())")
        }
        self.ring = ring
    }

    /// Starts the polling thread.
    func start() {
        let box = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { arg in
            let poller = Unmanaged<RingBufferPoller>.fromOpaque(arg!).takeRetainedValue()
            poller.loop()
            return nil
        }, box)
        started = true
    }

    private func loop() {
        while !stopFlag.load(ordering: .relaxed) {
            // Returns early only when the kernel forces a wakeup (the ring is filling up); events
            // committed without a wakeup are drained by the consume that follows.
            let rc = ring_buffer__poll(ring, pollMilliseconds)
            if rc < 0 && rc != -EINTR {
                logger.error("ring buffer poll failed", metadata: ["errno": "\(-rc)"])
                break
            }
            _ = ring_buffer__consume(ring)
            housekeeping()
        }
        // Drain what is left so nothing queued before detaching is lost.
        _ = ring_buffer__consume(ring)
    }

    /// Stops the thread and waits for it.
    func stop() {
        guard started else { return }
        stopFlag.store(true, ordering: .relaxed)
        pthread_join(thread, nil)
        started = false
    }

    deinit {
        ring_buffer__free(ring)
    }
}
